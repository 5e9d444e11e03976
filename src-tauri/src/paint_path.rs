//! WebKitGTK's paint path on Linux machines without a GPU. WebKitGTK 2.42+ hands frames from
//! the web process to the window as DMA-BUF buffers; with no GPU render node (a VM, a remote
//! desktop, Xvfb) it falls back to a software copy that, measured here, made any canvas change
//! cost ~200 ms: 5 frames/s for a one-pixel change, 9 for the library map. Its older
//! shared-memory path shows the same map at 20 frames/s. So when no `/dev/dri/renderD*`
//! exists and the user has not chosen, the older path is chosen before the window opens;
//! machines with a GPU keep WebKit's default. (On that path WebKitWebDriver's screenshot can
//! wait forever for a frame, so the desktop e2e takes its screenshots of the X screen there:
//! tests/desktop/driver.mjs.)

use std::path::Path;

/// WebKitGTK's switch for the DMA-BUF renderer.
const DMABUF_SWITCH: &str = "WEBKIT_DISABLE_DMABUF_RENDERER";

/// Chooses the paint path; call first thing in `main`, before any thread starts.
pub fn choose() {
    if cfg!(target_os = "linux")
        && std::env::var_os(DMABUF_SWITCH).is_none()
        && !has_render_node(Path::new("/dev/dri"))
    {
        // Safe here: main calls this before it starts any thread.
        std::env::set_var(DMABUF_SWITCH, "1");
    }
}

/// Whether a DRM folder holds a render node (`renderD128`, ...), i.e. a GPU WebKit can draw on.
fn has_render_node(dri: &Path) -> bool {
    std::fs::read_dir(dri).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|entry| entry.file_name().to_string_lossy().starts_with("renderD"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_render_node_is_found_only_where_one_exists() {
        let dri = tempfile::tempdir().unwrap();
        assert!(!has_render_node(&dri.path().join("missing")));
        std::fs::write(dri.path().join("card0"), b"").unwrap();
        assert!(!has_render_node(dri.path()), "a card without a render node");
        std::fs::write(dri.path().join("renderD128"), b"").unwrap();
        assert!(has_render_node(dri.path()));
    }
}
