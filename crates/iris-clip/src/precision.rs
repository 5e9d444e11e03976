//! Which arithmetic the encoders' matmuls use, chosen when a model loads from what the CPU
//! has: f32 (gemm), bf16 weights ([`crate::bf16`]) or int8 weights and activations
//! ([`crate::int8`]).

use crate::{bf16, int8};

/// Which arithmetic the encoders' matmuls use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Precision {
    /// What measured fastest within the accuracy bounds (crates/iris-clip/README.md,
    /// "Reduced precision"): int8 in both towers where the CPU has AVX2, f32 elsewhere.
    #[default]
    Auto,
    /// f32 throughout: what parity with `transformers` is checked on.
    F32,
    /// bf16 weights in both towers where the CPU has AVX512-BF16, f32 elsewhere.
    Bf16,
    /// int8 weights and activations in both towers where the CPU has AVX2, f32 elsewhere.
    Int8,
}

/// What the towers' matmuls run in on this CPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TowerPrecision {
    F32,
    Bf16,
    Int8,
}

impl TowerPrecision {
    fn name(self) -> &'static str {
        match self {
            Self::F32 => "f32",
            Self::Bf16 => "bf16",
            Self::Int8 => match int8::Kernel::detect() {
                Some(int8::Kernel::Vnni512) => "int8 (AVX512-VNNI)",
                _ => "int8 (AVX2)",
            },
        }
    }
}

impl Precision {
    /// From `IRIS_PRECISION` (`auto`, `f32`, `bf16` or `int8`); [`Precision::Auto`] when it
    /// is unset or says anything else.
    pub fn from_env() -> Self {
        match std::env::var("IRIS_PRECISION").as_deref() {
            Ok("f32") => Self::F32,
            Ok("bf16") => Self::Bf16,
            Ok("int8") => Self::Int8,
            _ => Self::Auto,
        }
    }

    /// What both towers' matmuls run in on this CPU.
    pub(crate) fn on_this_cpu(self) -> TowerPrecision {
        let (has_bf16, has_int8) = (bf16::available(), int8::Kernel::detect().is_some());
        match self {
            Self::Auto | Self::Int8 if has_int8 => TowerPrecision::Int8,
            Self::Bf16 if has_bf16 => TowerPrecision::Bf16,
            _ => TowerPrecision::F32,
        }
    }

    /// What runs on this CPU, for diagnostics: "int8 (AVX512-VNNI)".
    pub fn describe(self) -> String {
        self.on_this_cpu().name().to_string()
    }
}
