//! The `iris://` protocol: thumbnails and originals served by catalog id, so that the webview
//! never names a file. `iris://localhost/thumb/<id>` and `/photo/<id>`; anything else is a 404
//! with no body ([`iris_core::assets`] decides what an id may resolve to).

use crate::state::Desktop;
use tauri::http::Response;

/// The response to a request for `path` (the URL's path, still percent-encoded).
pub fn asset_response(desktop: &Desktop, path: &str) -> Response<Vec<u8>> {
    let not_found = || {
        Response::builder()
            .status(404)
            .body(Vec::new())
            .unwrap_or_default()
    };
    let Some(library) = desktop.library() else {
        return not_found();
    };
    let Some(asset) = iris_core::assets::resolve(&library, path) else {
        return not_found();
    };
    match std::fs::read(&asset.file) {
        Ok(bytes) => Response::builder()
            .status(200)
            .header("Content-Type", asset.mime)
            .header("Cache-Control", "max-age=3600")
            .body(bytes)
            .unwrap_or_else(|_| not_found()),
        Err(_) => not_found(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use iris_core::Library;
    use std::sync::Arc;

    /// A desktop state over a real library holding two demo photos.
    fn desktop_with_photos(dir: &std::path::Path) -> (Desktop, String) {
        let photos = dir.join("photos");
        iris_demo::generate(&photos, 2, 3).unwrap();
        let library = Library::open_model(
            &dir.join("library"),
            iris_core::models::DEMO_MODEL,
            iris_core::models::DownloadProgress::Silent,
        )
        .unwrap();
        library.add_roots(&[photos]).unwrap();
        library
            .index(1, &iris_core::IndexControl::new(), &mut |_| {})
            .unwrap();
        let id = library.rows().unwrap()[0].id.clone();
        let desktop = Desktop::for_test(dir.join("library"));
        *desktop.library.write().unwrap() = Some(Arc::new(library));
        (desktop, id)
    }

    #[test]
    fn serves_catalog_ids_and_nothing_else() {
        let tmp = tempfile::tempdir().unwrap();
        let (desktop, id) = desktop_with_photos(tmp.path());
        for path in [format!("/thumb/{id}"), format!("/photo/{id}")] {
            let response = asset_response(&desktop, &path);
            assert_eq!(response.status(), 200, "{path}");
            assert!(!response.body().is_empty(), "{path}");
        }
        let passwd = "/etc/passwd";
        let unknown = "0".repeat(64);
        let refused = [
            "/thumb/../../../../etc/passwd".to_string(),
            format!("/photo/{passwd}"),
            format!("/photo/{}", tmp.path().join("photos/000000.png").display()),
            "/photo/%2e%2e%2f%2e%2e%2fetc%2fpasswd".to_string(),
            "/photo/..%2F..%2Fetc%2Fpasswd".to_string(),
            format!("/photo/{id}/.."),
            format!("/photo/{id}%00"),
            format!("/photo/{}", id.to_uppercase()),
            format!("/thumb/{unknown}"),
            format!("/other/{id}"),
            "/".to_string(),
            String::new(),
        ];
        for path in refused {
            let response = asset_response(&desktop, &path);
            assert_eq!(response.status(), 404, "{path}");
            assert!(response.body().is_empty(), "{path}");
        }
    }

    #[test]
    fn nothing_is_served_before_the_library_opens() {
        let tmp = tempfile::tempdir().unwrap();
        let desktop = Desktop::for_test(tmp.path().to_path_buf());
        let response = asset_response(&desktop, &format!("/thumb/{}", "a".repeat(64)));
        assert_eq!(response.status(), 404);
        assert!(response.body().is_empty());
    }
}
