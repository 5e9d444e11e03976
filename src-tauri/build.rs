//! Tauri's build step; the front end (ui/dist) is embedded in the binary, so a new build of it
//! must rebuild the app.
fn main() {
    println!("cargo:rerun-if-changed=../ui/dist");
    tauri_build::build()
}
