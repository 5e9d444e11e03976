use candle_core::{Device, Tensor};
use std::time::Instant;
fn time(name: &str, mut f: impl FnMut()) -> f64 {
    f();
    let t = Instant::now();
    for _ in 0..10 { f(); }
    let ms = t.elapsed().as_secs_f64() * 100.0;
    println!("{name}: {ms:.2} ms");
    ms
}
fn main() {
    let d = Device::Cpu;
    let x = Tensor::randn(0f32, 1., (800, 768), &d).unwrap();
    let y = Tensor::randn(0f32, 1., (800, 768), &d).unwrap();
    let w = Tensor::randn(0f32, 1., 768, &d).unwrap();
    let qkv = Tensor::randn(0f32, 1., (800, 2304), &d).unwrap();
    let mut per_layer = 0.0;
    per_layer += 2.0 * time("layer_norm", || { let _ = candle_nn::ops::layer_norm(&x, &w, &w, 1e-5).unwrap(); });
    per_layer += 2.0 * time("residual add", || { let _ = (&x + &y).unwrap(); });
    per_layer += time("qkv to_vec", || { let _ = qkv.flatten_all().unwrap().to_vec1::<f32>().unwrap(); });
    println!("non-matmul per layer (without attention) {per_layer:.2} ms");
}
