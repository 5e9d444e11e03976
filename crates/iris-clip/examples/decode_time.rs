fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files.truncate(32);
    let bytes: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    for _ in 0..2 {
        let t = std::time::Instant::now();
        for (b, f) in bytes.iter().zip(&files) {
            let img = iris_clip::decode_bytes(b, f, Some(288)).unwrap();
            std::hint::black_box(img);
        }
        println!(
            "per image ms {:.1}",
            t.elapsed().as_secs_f64() * 1000.0 / bytes.len() as f64
        );
    }
}
