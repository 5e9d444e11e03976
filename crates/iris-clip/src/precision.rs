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

/// What a tower's matmuls run in on this CPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TowerPrecision {
    F32,
    Bf16,
    Int8(int8::Kernel),
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

    /// What a tower's matmuls run in on this CPU, given how many rows they take at a time
    /// (which picks the AVX2 int8 kernel).
    pub(crate) fn on_this_cpu(self, rows: int8::Rows) -> TowerPrecision {
        match (self, int8::Kernel::detect(rows)) {
            (Self::Auto | Self::Int8, Some(kernel)) => TowerPrecision::Int8(kernel),
            (Self::Bf16, _) if bf16::available() => TowerPrecision::Bf16,
            _ => TowerPrecision::F32,
        }
    }

    /// What runs on this CPU, for diagnostics: "int8 (AVX512-VNNI)" in both towers, or
    /// "int8 (AVX2, 6-bit weights for images)" where the image tower runs
    /// [`int8::Kernel::Avx2Octets`].
    pub fn describe(self) -> String {
        let what = match self.on_this_cpu(int8::Rows::Many) {
            TowerPrecision::F32 => "f32",
            TowerPrecision::Bf16 => "bf16",
            TowerPrecision::Int8(int8::Kernel::Vnni512) => "int8 (AVX512-VNNI)",
            TowerPrecision::Int8(_) => "int8 (AVX2, 6-bit weights for images)",
        };
        what.to_string()
    }
}
