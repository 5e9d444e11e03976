//! Model families end to end through the `iris` binary: a library indexed and searched with
//! each family's tiny parity model (CLIP, Chinese-CLIP, SigLIP), the hint for a query in a
//! language the model does not read, `iris models --json`, and the error for an unsupported
//! family.

mod common;

use common::{fixtures, iris, stdout_json};
use image::{Rgb, RgbImage};
use serde_json::Value;

#[test]
fn every_family_indexes_and_searches_and_a_foreign_query_gets_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let photos = dir.path().join("photos");
    std::fs::create_dir_all(&photos).unwrap();
    for i in 0..4u32 {
        let img = RgbImage::from_fn(120, 90, |x, y| {
            Rgb([(x * (i + 2)) as u8, (y * 2) as u8, (i * 60) as u8])
        });
        img.save(photos.join(format!("p{i}.jpg"))).unwrap();
    }
    let library = dir.path().join("library");
    let families = [
        ("tiny-clip", "a photo of a dog", Some("Chinese")),
        ("chinese-clip/tiny-chinese-clip", "海边的狗", None),
        ("siglip/tiny-siglip", "a photo of a dog", Some("Chinese")),
    ];
    for (folder, query, hint_for_chinese) in families {
        let model = fixtures().join(folder);
        let report = stdout_json(&iris(
            &model,
            &library,
            &["--json", "index", photos.to_str().unwrap()],
        ));
        assert_eq!(report["embedded"], 4, "{folder}: {report}");
        let out = iris(&model, &library, &["--json", "search", query]);
        let hits = stdout_json(&out);
        let hits = hits.as_array().unwrap();
        assert_eq!(hits.len(), 4, "{folder}");
        assert!(
            hits.windows(2)
                .all(|w| w[0]["score"].as_f64() >= w[1]["score"].as_f64()),
            "{folder}"
        );
        assert!(
            String::from_utf8_lossy(&out.stderr).is_empty(),
            "{folder}: no hint for its own language"
        );
        let out = iris(&model, &library, &["search", "红色的圆"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        match hint_for_chinese {
            Some(language) => assert!(
                stderr.contains(&format!("a {language} query may match poorly")),
                "{folder}: {stderr}"
            ),
            None => assert!(stderr.is_empty(), "{folder}: {stderr}"),
        }
    }
    let rows = stdout_json(&iris(
        &fixtures().join("siglip/tiny-siglip"),
        &library,
        &["--json", "models"],
    ));
    let rows = rows.as_array().unwrap();
    let current: Vec<&Value> = rows.iter().filter(|r| r["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(
        (current[0]["family"].as_str(), current[0]["dim"].as_u64()),
        (Some("SigLIP"), Some(32))
    );
    for family in ["CLIP", "Chinese-CLIP", "SigLIP"] {
        assert!(
            rows.iter()
                .any(|r| r["family"] == family && r["current"] == false),
            "{family} listed"
        );
    }
}

#[test]
fn an_unsupported_family_is_named_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("blip");
    std::fs::create_dir_all(&model).unwrap();
    for f in [
        "tokenizer.json",
        "preprocessor_config.json",
        "model.safetensors",
    ] {
        std::fs::copy(fixtures().join("tiny-clip").join(f), model.join(f)).unwrap();
    }
    let config = std::fs::read_to_string(fixtures().join("tiny-clip/config.json")).unwrap();
    std::fs::write(
        model.join("config.json"),
        config.replace("\"clip\"", "\"blip\""),
    )
    .unwrap();
    let out = iris(&model, &dir.path().join("library"), &["search", "a dog"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("\"blip\" (BLIP), a model family Iris does not run"),
        "{stderr}"
    );
}
