#!/usr/bin/env python3
"""Base-size random-weight models of the Chinese-CLIP and SigLIP families, and the PyTorch CPU
baseline for every family iris-clip runs (CLIP, Chinese-CLIP, SigLIP). Used by
scripts/bench-families.sh; scripts/reference_clip.py makes the CLIP models.

Random weights of the real shape cost what the real weights cost to run, so the speed figures
carry over. The vocabularies are generated (no download): the figures need their size and
layout, not their contents.

Commands:
    family_models.py model OUT_DIR --family chinese_clip|siglip [--seed N]
        chinese_clip: the shape of OFA-Sys/chinese-clip-vit-base-patch16. Vision tower ViT-B/16
            (768 wide, 12 layers, 12 heads, intermediate 3072, patch 16, 224 px, quick_gelu),
            text tower RoBERTa-wwm-ext-base (768 wide, 12 layers, 12 heads, intermediate 3072,
            gelu, 512 positions, 2 token types), projection 512. vocab.txt of 21128 entries laid
            out like the real one (see chinese_vocab), tokenizer_config.json (BertTokenizer),
            preprocessor_config.json (plain 224x224 bicubic resize, no crop, CLIP's mean/std).
            Weights: float32 model.safetensors (the real repository ships the same float32
            weights as pytorch_model.bin only; iris-clip reads either). 188M parameters, 750 MB.
        siglip: the shape of google/siglip-base-patch16-224. Both towers 768 wide, 12 layers, 12
            heads, intermediate 3072, gelu_pytorch_tanh, LayerNorm eps 1e-6; patch 16, 224 px,
            attention-pooling head; text: 32000 tokens, 64 positions. tokenizer.json: a Unigram
            vocabulary of 32000 pieces in T5's layout (<pad> 0, </s> 1, <unk> 2, "▁" 3, then
            pieces by decreasing score) with the normaliser, pre-tokeniser and post-processor
            of make_siglip_fixtures.py (SiglipTokenizer's pipeline in `tokenizers` terms);
            preprocessor_config.json as SiglipImageProcessor saves it (224x224, mean = std =
            0.5). Weights: float32 model.safetensors. 203M parameters, 810 MB.
        Weights are transformers' default initialisation from --seed (default 0).

    family_models.py bench MODEL_DIR IMAGE_DIR [--batch 16] [--threads 2] [--query TEXT]
        PyTorch CPU baseline of any folder of the three families (config.json's model_type), as
        one JSON line with the keys of iris-clip's bench example:
        - load_to_first_embedding_ms: from_pretrained of model, tokenizer and image processor
          plus one text embedding ("a photo of a dog"), files in the page cache;
        - text_latency_ms: median of 21 warm embeddings of --query (default "a dog asleep on a
          sofa", the bench example's 5-word query) after 3 warm-up ones, tokenisation included
          (as in iris-clip's embed_texts); text_forward_ms: the same median without the
          tokenisation. Text goes to get_text_features as each family is fed: CLIP padded
          (a no-op for one text) with its attention mask, truncated to 77; Chinese-CLIP with
          attention mask and token types, truncated to 512; SigLIP padded to 64
          (padding="max_length") and input_ids only, no attention mask, as SigLIP was trained;
        - decode_preprocess_s: Pillow decode and the image processor (transformers' default
          backend) on every photo of IMAGE_DIR (jpg, jpeg, png, webp), in batches of --batch;
        - encode_s, encode_images_per_s: get_image_features on those pixel values, batch by
          batch, after one warm-up batch (the first batch, not timed);
        - end_to_end_images_per_s: images / (decode_preprocess_s + encode_s).
        torch.set_num_threads(--threads); TOKENIZERS_PARALLELISM=false.

Needs torch, transformers 5, tokenizers, sentencepiece, protobuf, pillow, safetensors, numpy
(sentencepiece only to make the SigLIP model: its nmt_nfkc rules go into tokenizer.json).
"""
import argparse, glob, json, os, random, statistics, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "crates", "iris-clip", "tests", "fixtures")
CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]
CHINESE_VOCAB_SIZE = 21128
SIGLIP_VOCAB_SIZE = 32000
SIGLIP_MAX_LENGTH = 64
QUERY = "a dog asleep on a sofa"  # = examples/bench.rs

# Words for the word part of vocab.txt; the bench query's words among them, so that it is
# 8 tokens: [CLS] a dog asleep on a sofa [SEP].
ENGLISH = """the of and to in is for on that with as was by it at from be this an are or
have has not but which you one all were they we their can more will about there been other its
new also when who time first after some out only what he she his her would two like so up into
my no use than year them any these then may most over such our people photo picture image
dog cat sofa asleep sleeping bed car street city night day sun sea beach tree flower house
water sky red blue green white black man woman child girl boy book food table chair window door
phone iphone ipad apple google windows android app web online email blog video music game""".split()


def chinese_vocab():
    """21128 entries laid out like the vocab.txt of chinese-roberta-wwm-ext and bert-base-chinese
    (which Chinese-CLIP's text towers use): [PAD] 0, [unused1..99] 1-99, [UNK] 100, [CLS] 101,
    [SEP] 102, [MASK] 103, <S> 104, <T> 105; single characters in code-point order (ASCII
    punctuation, digits and lowercase letters, Latin-1, Greek and Cyrillic lowercase, general
    punctuation, CJK punctuation, kana, then the 6763 CJK characters of GB2312 and further Big5
    characters up to 7000); then whole words and numbers (English words, 0-99, years, two- and
    three-letter pieces) and their "##" continuations; then "##" before every single character,
    filling up to exactly 21128, as the real vocabulary ends."""
    lines = ["[PAD]"] + [f"[unused{i}]" for i in range(1, 100)] + ["[UNK]", "[CLS]", "[SEP]", "[MASK]", "<S>", "<T>"]
    chars = [chr(c) for c in range(0x21, 0x7F) if not chr(c).isupper()]
    chars += [chr(c) for c in range(0xA1, 0x100) if chr(c).lower() == chr(c) and chr(c).isprintable()]
    chars += [chr(c) for c in range(0x3B1, 0x3CA)] + [chr(c) for c in range(0x430, 0x450)]
    chars += list("–—‘’“”•…‰′″※€℃№™←↑→↓∈√∞∩≈≠≤≥①②③④⑤■□▲△◆◇○◎●★☆")
    chars += list("、。〈〉《》「」『』【】〔〕〖〗")
    chars += [chr(c) for c in range(0x3041, 0x3097)] + [chr(c) for c in range(0x30A1, 0x30FB)]
    cjk = []
    for c in range(0x4E00, 0xA000):
        try:
            chr(c).encode("gb2312")
            cjk.append(chr(c))
        except UnicodeEncodeError:
            pass
    assert len(cjk) == 6763, len(cjk)
    extra = []
    for c in range(0x4E00, 0xA000):
        if len(cjk) + len(extra) >= 7000:
            break
        try:
            chr(c).encode("gb2312")
        except UnicodeEncodeError:
            try:
                chr(c).encode("big5")
                extra.append(chr(c))
            except UnicodeEncodeError:
                pass
    chars += sorted(cjk + extra)
    chars += list("！（），．：；？～")  # full-width forms, after the CJK block as in the real file
    lines += list(dict.fromkeys(chars))
    singles = [t for t in lines[106:]]
    words = list(dict.fromkeys(ENGLISH + [str(i) for i in range(100)] + [str(y) for y in range(1900, 2031)]))
    letters = "abcdefghijklmnopqrstuvwxyz"
    pieces = [a + b for a in letters for b in letters] + [a + b + c for a in letters for b in letters for c in letters]
    continuations = ["##" + t for t in singles]
    room = CHINESE_VOCAB_SIZE - len(lines) - len(continuations)
    fill, seen = [], set(lines)
    for p in words + pieces:
        for t in (p, "##" + p) if len(p) > 1 else (p,):
            if len(fill) < room and t not in seen:
                fill.append(t)
                seen.add(t)
    lines += fill + continuations
    assert len(lines) == CHINESE_VOCAB_SIZE, len(lines)
    assert len(set(lines)) == len(lines)
    assert lines.index("[UNK]") == 100 and lines.index("[CLS]") == 101 and lines.index("[SEP]") == 102
    return lines


def make_chinese_clip(out_dir, seed):
    import torch
    from transformers import ChineseCLIPConfig, ChineseCLIPModel
    lines = chinese_vocab()
    cfg = ChineseCLIPConfig(
        text_config=dict(vocab_size=len(lines), hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
                         intermediate_size=3072, max_position_embeddings=512, hidden_act="gelu",
                         layer_norm_eps=1e-12, type_vocab_size=2, pad_token_id=0),
        vision_config=dict(hidden_size=768, num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072,
                           image_size=224, patch_size=16, hidden_act="quick_gelu", layer_norm_eps=1e-5,
                           projection_dim=512),
        projection_dim=512,
    )
    cfg.architectures = ["ChineseCLIPModel"]
    torch.manual_seed(seed)
    model = ChineseCLIPModel(cfg).eval()
    os.makedirs(out_dir, exist_ok=True)
    model.save_pretrained(out_dir)
    os.chmod(os.path.join(out_dir, "model.safetensors"), 0o644)  # safetensors writes 0600
    with open(os.path.join(out_dir, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    special = {"cls_token": "[CLS]", "mask_token": "[MASK]", "pad_token": "[PAD]", "sep_token": "[SEP]",
               "unk_token": "[UNK]"}
    with open(os.path.join(out_dir, "special_tokens_map.json"), "w") as f:
        json.dump(special, f, indent=2)
    with open(os.path.join(out_dir, "tokenizer_config.json"), "w") as f:
        json.dump({**special, "do_basic_tokenize": True, "do_lower_case": True, "model_max_length": 512,
                   "never_split": None, "strip_accents": None, "tokenize_chinese_chars": True,
                   "tokenizer_class": "BertTokenizer"}, f, indent=2)
    with open(os.path.join(out_dir, "preprocessor_config.json"), "w") as f:
        json.dump({"do_resize": True, "size": {"height": 224, "width": 224}, "do_center_crop": False,
                   "crop_size": {"height": 224, "width": 224}, "do_rescale": True, "rescale_factor": 1 / 255,
                   "do_normalize": True, "image_mean": CLIP_MEAN, "image_std": CLIP_STD, "resample": 3,
                   "do_convert_rgb": True, "image_processor_type": "ChineseCLIPImageProcessor"}, f, indent=2)


def siglip_pieces():
    """make_siglip_fixtures.py's vocabulary (specials, words, subwords, letters) grown to 32000
    pieces with seeded-score two- and three-letter pieces, with and without "▁", all scored below
    the fixture's pieces; sorted by decreasing score after the four fixed ones."""
    import numpy as np
    import make_siglip_fixtures as msf
    base = msf.vocab_pieces()
    head, normal = base[:4], {p: s for p, s, _ in base[4:]}
    rnd = random.Random(4321)
    letters = "abcdefghijklmnopqrstuvwxyz"
    grams = [a + b for a in letters for b in letters] + [a + b + c for a in letters for b in letters for c in letters]
    for g in grams:
        for p in ("▁" + g, g):
            if len(head) + len(normal) >= SIGLIP_VOCAB_SIZE:
                break
            normal.setdefault(p, float(np.float32(-11.0 - 3.0 * rnd.random())))
    pieces = head + [(p, s, 1) for p, s in sorted(normal.items(), key=lambda x: -x[1])]
    assert len(pieces) == SIGLIP_VOCAB_SIZE, len(pieces)
    return pieces


def make_siglip(out_dir, seed):
    import shutil, tempfile
    import torch
    from transformers import SiglipConfig, SiglipImageProcessor, SiglipModel
    import make_siglip_fixtures as msf
    pieces = siglip_pieces()
    tmp = tempfile.mkdtemp()
    proto = msf.write_spiece_model(os.path.join(tmp, "spiece.model"), pieces)
    drop, space = msf.nmt_extras(proto)
    shutil.rmtree(tmp)
    tok = msf.build_tokenizer_json(pieces, drop, space)
    cfg = SiglipConfig(
        text_config=dict(vocab_size=len(pieces), hidden_size=768, intermediate_size=3072, num_hidden_layers=12,
                         num_attention_heads=12, max_position_embeddings=SIGLIP_MAX_LENGTH,
                         hidden_act="gelu_pytorch_tanh", layer_norm_eps=1e-6, pad_token_id=msf.PAD_ID,
                         eos_token_id=msf.EOS_ID, bos_token_id=None, projection_size=768),
        vision_config=dict(hidden_size=768, intermediate_size=3072, num_hidden_layers=12, num_attention_heads=12,
                           num_channels=3, image_size=224, patch_size=16, hidden_act="gelu_pytorch_tanh",
                           layer_norm_eps=1e-6, vision_use_head=True),
    )
    cfg.architectures = ["SiglipModel"]
    torch.manual_seed(seed)
    model = SiglipModel(cfg).eval()
    os.makedirs(out_dir, exist_ok=True)
    model.save_pretrained(out_dir)
    os.chmod(os.path.join(out_dir, "model.safetensors"), 0o644)
    tok.save(os.path.join(out_dir, "tokenizer.json"))
    special = {"eos_token": "</s>", "pad_token": "</s>", "unk_token": "<unk>"}
    with open(os.path.join(out_dir, "special_tokens_map.json"), "w") as f:
        json.dump(special, f, indent=2)
    with open(os.path.join(out_dir, "tokenizer_config.json"), "w") as f:
        json.dump({**special, "model_max_length": SIGLIP_MAX_LENGTH, "model_input_names": ["input_ids"],
                   "padding_side": "right", "truncation_side": "right",
                   "tokenizer_class": "PreTrainedTokenizerFast"}, f, indent=2)
    SiglipImageProcessor(size={"height": 224, "width": 224}, resample=3, do_resize=True, do_rescale=True,
                         rescale_factor=1 / 255, do_normalize=True, image_mean=msf.MEAN,
                         image_std=msf.STD).save_pretrained(out_dir)


def features(out):
    # transformers 4 returns a tensor, transformers 5 a model output
    return out if hasattr(out, "norm") else out.pooler_output


def load(model_dir):
    import torch
    from transformers import AutoImageProcessor, AutoTokenizer, ChineseCLIPModel, CLIPModel, SiglipModel
    with open(os.path.join(model_dir, "config.json")) as f:
        family = json.load(f)["model_type"]
    cls = {"clip": CLIPModel, "chinese_clip": ChineseCLIPModel, "siglip": SiglipModel}[family]
    model = cls.from_pretrained(model_dir, dtype=torch.float32).eval()
    tok = AutoTokenizer.from_pretrained(model_dir)
    improc = AutoImageProcessor.from_pretrained(model_dir)

    def tokenize(text):
        if family == "siglip":
            x = tok([text], padding="max_length", truncation=True, max_length=SIGLIP_MAX_LENGTH, return_tensors="pt")
            return {"input_ids": x["input_ids"]}  # no attention mask, as SigLIP was trained
        if family == "clip":
            x = tok([text], padding=True, truncation=True, max_length=77, return_tensors="pt")
            return {"input_ids": x["input_ids"], "attention_mask": x["attention_mask"]}
        x = tok([text], truncation=True, max_length=512, return_tensors="pt")
        return {k: x[k] for k in ("input_ids", "attention_mask", "token_type_ids")}

    return family, model, tokenize, improc


def bench(model_dir, image_dir, batch, threads, query):
    os.environ["TOKENIZERS_PARALLELISM"] = "false"
    import torch
    from PIL import Image
    torch.set_num_threads(threads)
    with torch.no_grad():
        t = time.perf_counter()
        family, model, tokenize, improc = load(model_dir)
        features(model.get_text_features(**tokenize("a photo of a dog")))
        load_ms = (time.perf_counter() - t) * 1e3

        for _ in range(3):
            features(model.get_text_features(**tokenize(query)))
        total, forward = [], []
        for _ in range(21):
            t = time.perf_counter()
            x = tokenize(query)
            t1 = time.perf_counter()
            features(model.get_text_features(**x))
            t2 = time.perf_counter()
            total.append((t2 - t) * 1e3)
            forward.append((t2 - t1) * 1e3)
        n_tokens = int(tokenize(query)["input_ids"].shape[1])

        paths = sorted(p for p in glob.glob(os.path.join(image_dir, "*"))
                       if p.lower().endswith((".jpg", ".jpeg", ".png", ".webp")))
        chunks = [paths[i:i + batch] for i in range(0, len(paths), batch)]
        t = time.perf_counter()
        pixel_batches = [improc(images=[Image.open(p).convert("RGB") for p in c], return_tensors="pt")["pixel_values"]
                         for c in chunks]
        decode_s = time.perf_counter() - t
        features(model.get_image_features(pixel_values=pixel_batches[0]))  # warm-up, not timed
        t = time.perf_counter()
        for px in pixel_batches:
            features(model.get_image_features(pixel_values=px))
        encode_s = time.perf_counter() - t
    n = len(paths)
    print(json.dumps({
        "family": family, "images": n, "threads": threads, "batch": batch,
        "pixels": list(pixel_batches[0].shape[1:]), "query_tokens": n_tokens,
        "load_to_first_embedding_ms": round(load_ms, 1),
        "text_latency_ms": round(statistics.median(total), 2),
        "text_forward_ms": round(statistics.median(forward), 2),
        "decode_preprocess_s": round(decode_s, 3), "encode_s": round(encode_s, 3),
        "end_to_end_images_per_s": round(n / (decode_s + encode_s), 2),
        "encode_images_per_s": round(n / encode_s, 2)}))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("model"); a.add_argument("out_dir")
    a.add_argument("--family", required=True, choices=["chinese_clip", "siglip"])
    a.add_argument("--seed", type=int, default=0)
    a = sub.add_parser("bench"); a.add_argument("model_dir"); a.add_argument("image_dir")
    a.add_argument("--batch", type=int, default=16); a.add_argument("--threads", type=int, default=2)
    a.add_argument("--query", default=QUERY)
    args = ap.parse_args()
    if args.cmd == "model":
        sys.path.insert(0, FIXTURES)
        (make_chinese_clip if args.family == "chinese_clip" else make_siglip)(args.out_dir, args.seed)
    else:
        bench(args.model_dir, args.image_dir, args.batch, args.threads, args.query)


if __name__ == "__main__":
    main()
