//! Keeps the window on Iris's own pages: the webview may load only the app's URL
//! (tauri://localhost here and on macOS, http(s)://tauri.localhost on Windows). A link, a URL
//! dropped on the window or a script that tries to go anywhere else is refused, so no remote
//! page ever runs in Iris's window (its content security policy governs what a page loads,
//! not where the window goes). `window.open` opens nothing: no handler for new windows is set.

use tauri::plugin::{Builder, TauriPlugin};
use tauri::{Runtime, Url};

/// Whether `url` is one of the app's own pages.
pub fn is_app_url(url: &Url) -> bool {
    url.scheme() == "tauri" || url.host_str() == Some("tauri.localhost")
}

/// The plugin that refuses every other navigation.
pub fn guard<R: Runtime>() -> TauriPlugin<R> {
    Builder::new("navigation-guard")
        .on_navigation(|_, url| is_app_url(url))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_apps_own_pages_are_allowed() {
        let allowed = [
            "tauri://localhost",
            "tauri://localhost/index.html#x",
            "http://tauri.localhost/",
        ];
        for url in allowed {
            assert!(is_app_url(&Url::parse(url).unwrap()), "{url}");
        }
        let refused = [
            "https://example.com/",
            "http://localhost:8080/",
            "file:///etc/passwd",
            "data:text/html,<script>1</script>",
            "about:blank",
            "https://tauri.localhost.evil.example/",
        ];
        for url in refused {
            assert!(!is_app_url(&Url::parse(url).unwrap()), "{url}");
        }
    }
}
