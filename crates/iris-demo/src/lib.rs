//! Synthetic captioned images for the demo library and the demo model (placeholder).
