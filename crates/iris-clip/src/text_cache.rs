//! The texts embedded last and their vectors. A search, the viewer's score parts and its
//! heatmap embed the same query one after another; the second and the third find it here
//! instead of running the text tower again (a ViT-B/32 query is 15-40 ms on 2 cores). A text's
//! vector does not depend on the batch it was embedded in, so a hit is exactly what a fresh
//! embedding would give.

use std::collections::VecDeque;
use std::sync::Mutex;

/// How many texts are kept (the oldest goes first).
const CAPACITY: usize = 64;

#[derive(Default)]
pub(crate) struct TextCache(Mutex<VecDeque<(String, Vec<f32>)>>);

impl TextCache {
    pub(crate) fn get(&self, text: &str) -> Option<Vec<f32>> {
        let entries = self.0.lock().ok()?;
        entries
            .iter()
            .find(|(t, _)| t == text)
            .map(|(_, v)| v.clone())
    }

    pub(crate) fn put(&self, text: &str, vector: &[f32]) {
        let Ok(mut entries) = self.0.lock() else {
            return;
        };
        if entries.iter().any(|(t, _)| t == text) {
            return;
        }
        if entries.len() == CAPACITY {
            entries.pop_front();
        }
        entries.push_back((text.to_string(), vector.to_vec()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_texts_and_drops_the_oldest() {
        let cache = TextCache::default();
        for i in 0..CAPACITY + 3 {
            cache.put(&format!("text {i}"), &[i as f32]);
        }
        assert_eq!(cache.get("text 0"), None);
        assert_eq!(cache.get("text 2"), None);
        assert_eq!(cache.get("text 3"), Some(vec![3.0]));
        assert_eq!(
            cache.get(&format!("text {}", CAPACITY + 2)),
            Some(vec![(CAPACITY + 2) as f32])
        );
        cache.put("text 3", &[99.0]);
        assert_eq!(
            cache.get("text 3"),
            Some(vec![3.0]),
            "an entry is never replaced"
        );
    }
}
