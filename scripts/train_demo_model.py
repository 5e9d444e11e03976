#!/usr/bin/env python3
"""Trains the demo CLIP model (assets/demo-model) on synthetic captioned shapes.

The images come from the Rust crate iris-demo (`cargo run --release --example
make_dataset`), the very renderer the app uses for its demo library. The model is a small
`transformers.CLIPModel` with the real CLIP BPE tokenizer, trained from scratch with the
symmetric contrastive loss (several true captions per image count as positives; perturbed
captions such as "a blue circle above a red square" are added as hard negatives), saved in
the Hugging Face layout (config.json, model.safetensors in float16, tokenizer.json,
preprocessor_config.json), then evaluated on held-out images of another seed: the figures go
to OUT/metrics.json.

Usage (from the repository root, with torch and transformers installed):
    python scripts/train_demo_model.py [--out assets/demo-model] [--data ~/.cache/iris/demo-data]
        [--train-count 40000] [--eval-count 1000] [--steps 5000] [--reuse-data]

Everything is seeded: the same versions of torch and transformers on the same kind of CPU give
the same weights.
"""
import os

# Idle OpenMP threads must sleep, not spin: on a machine shared with other jobs spinning
# threads make training several times slower.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse, inspect, json, math, random, re, shutil, subprocess, sys, time  # noqa: E401,E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TOKENIZER = ROOT / "crates/iris-clip/tests/fixtures/tiny-clip/tokenizer.json"
MEAN = [0.48145466, 0.4578275, 0.40821073]
STD = [0.26862954, 0.26130258, 0.27577711]
COLOURS = ["red", "orange", "yellow", "green", "blue", "purple", "black", "white"]
SHAPES = ["circle", "square", "triangle", "star", "heart", "cross"]
SWAPS = {"small": "large", "large": "small", "above": "below", "below": "above",
         "left": "right", "right": "left"}
BACKGROUNDS = ["plain", "gradient", "striped", "noisy", "stripes", "noise"]


def log(*a):
    print(f"[{time.strftime('%H:%M:%S')}]", *a, flush=True)


# ---------------------------------------------------------------------------------------- data

def make_dataset(folder, count, seed, reuse):
    """Renders `count` images of seed `seed` with the Rust generator (unless already there)."""
    stamp = folder / "stamp.json"
    want = {"count": count, "seed": seed}
    if reuse and stamp.is_file() and json.loads(stamp.read_text()) == want:
        return
    if folder.exists():
        shutil.rmtree(folder)
    cmd = ["cargo", "run", "--quiet", "--release", "--example", "make_dataset", "--",
           str(folder), str(count), str(seed)]
    log(" ".join(cmd))
    subprocess.run(cmd, cwd=ROOT, check=True)
    stamp.write_text(json.dumps(want))


def load_dataset(folder, size):
    """Scenes, captions per image, and the images resized as CLIPImageProcessor does (uint8)."""
    scenes = [json.loads(line) for line in open(folder / "scenes.jsonl")]
    captions = {}
    for line in open(folder / "captions.jsonl"):
        d = json.loads(line)
        captions.setdefault(d["image"], []).append(d["caption"])
    cache = folder / f"pixels-{size}.npy"
    if cache.is_file():
        pixels = np.load(cache)
    else:
        pixels = np.stack([resize(folder / s["image"], size) for s in scenes])
        np.save(cache, pixels)
    return scenes, [captions[s["image"]] for s in scenes], pixels


def resize(path, size):
    """CLIPImageProcessor's resize: shortest edge to `size` (bicubic, PIL), centre crop."""
    im = Image.open(path).convert("RGB")
    w, h = im.size
    if w <= h:
        nw, nh = size, int(size * h / w)
    else:
        nw, nh = int(size * w / h), size
    im = im.resize((nw, nh), Image.BICUBIC)
    left, top = (nw - size) // 2, (nh - size) // 2
    return np.asarray(im.crop((left, top, left + size, top + size)), dtype=np.uint8)


def normalise(pixels_u8):
    """uint8 NHWC -> the float NCHW tensor CLIP takes (rescale, normalise)."""
    x = torch.from_numpy(pixels_u8).float().div_(255.0).permute(0, 3, 1, 2)
    mean = torch.tensor(MEAN).view(1, 3, 1, 1)
    std = torch.tensor(STD).view(1, 3, 1, 1)
    return (x - mean) / std


def fix_articles(text):
    text = re.sub(r"\ba (?=[aeiou])", "an ", text)
    return re.sub(r"\ban (?=[^aeiou])", "a ", text)


def shape_negatives(caption, rng):
    """The caption with one of its shapes replaced by each other shape: the image side must
    tell a red circle from a red square, star, heart... (colour and size come much easier)."""
    words = caption.split(" ")
    shapes = [i for i, w in enumerate(words) if w in SHAPES]
    i = rng.choice(shapes)
    out = []
    for s in SHAPES:
        if s != words[i]:
            out.append(fix_articles(" ".join(words[:i] + [s] + words[i + 1:])))
    return out


def perturb(caption, rng):
    """A caption that differs from `caption` in one fact: colour, shape, size, relation,
    background, or which object has which colour or shape."""
    words = caption.split(" ")
    colours = [i for i, w in enumerate(words) if w in COLOURS]
    shapes = [i for i, w in enumerate(words) if w in SHAPES]
    options = ["colour", "shape"]
    if any(w in SWAPS for w in words):
        options.append("swap")
    if any(w in BACKGROUNDS for w in words):
        options.append("background")
    if len(colours) == 2 and words[colours[0]] != words[colours[1]]:
        options.append("bind_colour")
    if len(shapes) == 2 and words[shapes[0]] != words[shapes[1]]:
        options.append("bind_shape")
    kind = rng.choice(options)
    if kind == "colour" and colours:
        i = rng.choice(colours)
        words[i] = rng.choice([c for c in COLOURS if c != words[i]])
    elif kind == "shape" and shapes:
        i = rng.choice(shapes)
        words[i] = rng.choice([s for s in SHAPES if s != words[i]])
    elif kind == "swap":
        i = rng.choice([i for i, w in enumerate(words) if w in SWAPS])
        words[i] = SWAPS[words[i]]
    elif kind == "background":
        i = next(i for i, w in enumerate(words) if w in BACKGROUNDS)
        group = BACKGROUNDS[:4] if words[i] in BACKGROUNDS[:4] else ["stripes", "noise"]
        words[i] = rng.choice([b for b in group if b != words[i]])
    elif kind == "bind_colour":
        a, b = colours
        words[a], words[b] = words[b], words[a]
    elif kind == "bind_shape":
        a, b = shapes
        words[a], words[b] = words[b], words[a]
    return fix_articles(" ".join(words))


class Tokens:
    """Token ids of captions (cached), padded with the end token as the app does: the text
    tower is causal and pools at the first end token, so what follows it never matters."""

    def __init__(self, tokenizer, context):
        self.tokenizer, self.context, self.cache = tokenizer, context, {}
        self.eos = tokenizer.convert_tokens_to_ids("<|endoftext|>")

    def __call__(self, texts):
        missing = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if missing:
            ids = self.tokenizer(missing, truncation=True, max_length=self.context)["input_ids"]
            self.cache.update((t, torch.tensor(i)) for t, i in zip(missing, ids))
        return torch.nn.utils.rnn.pad_sequence([self.cache[t] for t in texts], batch_first=True,
                                               padding_value=self.eos)


# --------------------------------------------------------------------------------------- model

def features(out):
    # transformers 4 returns a tensor, transformers 5 may return a model output.
    return out if torch.is_tensor(out) else out.pooler_output


def build_model(args):
    from transformers import CLIPConfig, CLIPModel
    cfg = CLIPConfig(
        text_config=dict(hidden_size=args.text_hidden, intermediate_size=4 * args.text_hidden,
                         num_hidden_layers=args.text_layers, num_attention_heads=4,
                         max_position_embeddings=77, vocab_size=49408, hidden_act="quick_gelu",
                         bos_token_id=49406, eos_token_id=49407, pad_token_id=49407),
        vision_config=dict(hidden_size=args.vision_hidden, intermediate_size=4 * args.vision_hidden,
                           num_hidden_layers=args.vision_layers, num_attention_heads=4,
                           patch_size=args.patch, image_size=args.image_size, hidden_act="quick_gelu"),
        projection_dim=args.projection,
        logit_scale_init_value=args.logit_scale_init,
    )
    # Plain attention: faster than the fused kernels for these short sequences on a CPU.
    return CLIPModel._from_config(cfg, attn_implementation="eager")


def pca_patch_init(model, pixels, args, samples=4000, eps=0.1):
    """Sets the patch embedding to the whitened principal components of training patches.

    A ViT trained from scratch spends most of its first thousand steps finding useful patch
    filters; starting from the data's principal components (edge and colour detectors, as a
    whitening layer) more than doubles how fast it learns shapes. Only the initial value of a
    standard weight changes: the architecture stays CLIP's."""
    gen = torch.Generator().manual_seed(args.seed + 1)
    p, hidden = args.patch, args.vision_hidden
    with torch.no_grad():
        x = normalise(pixels[torch.randint(0, len(pixels), (samples,), generator=gen).numpy()])
        patches = x.unfold(2, p, p).unfold(3, p, p).permute(0, 2, 3, 1, 4, 5).reshape(-1, 3 * p * p)
        patches = patches[torch.randperm(len(patches), generator=gen)[:50000]]
        patches = patches - patches.mean(0)
        _, s, v = torch.linalg.svd(patches, full_matrices=False)
        k = min(hidden, v.shape[0])
        weight = torch.zeros(hidden, 3 * p * p)
        weight[:k] = v[:k] / (s[:k, None] / len(patches) ** 0.5 + eps)
        model.vision_model.embeddings.patch_embedding.weight.copy_(weight.reshape(hidden, 3, p, p))


def mimetic_init(model, args, qk=(0.7, 0.7), vo=(0.4, 0.4)):
    """Mimetic initialisation of the vision tower's attention (Trockman & Kolter, 2023) with
    2-D sinusoidal position embeddings: W_q^T W_k starts near a multiple of the identity and
    W_v^T W_o^T near minus one, as in trained ViTs, so that each patch first attends to
    patches like itself and near itself, much as a convolution would. Initial values only."""
    gen = torch.Generator().manual_seed(args.seed + 2)
    d = args.vision_hidden
    eye = torch.eye(d)
    with torch.no_grad():
        for layer in model.vision_model.encoder.layers:
            attn = layer.self_attn
            u, s, vt = torch.linalg.svd(qk[0] * torch.randn(d, d, generator=gen) / d ** 0.5 + qk[1] * eye)
            attn.q_proj.weight.copy_((u * s.sqrt()).T)
            attn.k_proj.weight.copy_((vt.T * s.sqrt()).T)
            u, s, vt = torch.linalg.svd(vo[0] * torch.randn(d, d, generator=gen) / d ** 0.5 - vo[1] * eye)
            attn.v_proj.weight.copy_((u * s.sqrt()).T)
            attn.out_proj.weight.copy_((s.sqrt()[:, None] * vt).T)
        grid = args.image_size // args.patch
        ys, xs = torch.meshgrid(torch.arange(grid), torch.arange(grid), indexing="ij")
        q = d // 4
        freqs = 1.0 / 10000 ** (torch.arange(q) / q)
        pos = torch.zeros(grid * grid + 1, d)  # row 0: the class token
        for k, c in enumerate([xs.reshape(-1), ys.reshape(-1)]):
            angle = c[:, None].float() * freqs[None]
            pos[1:, 2 * k * q:(2 * k + 1) * q] = angle.sin()
            pos[1:, (2 * k + 1) * q:(2 * k + 2) * q] = angle.cos()
        model.vision_model.embeddings.position_embedding.weight.copy_(pos)


def embed_texts(model, tokens, texts, batch=512):
    out = []
    with torch.no_grad():
        for i in range(0, len(texts), batch):
            out.append(features(model.get_text_features(input_ids=tokens(texts[i:i + batch]))))
    return torch.nn.functional.normalize(torch.cat(out), dim=-1)


def embed_images(model, pixels, batch=256):
    out = []
    with torch.no_grad():
        for i in range(0, len(pixels), batch):
            out.append(features(model.get_image_features(pixel_values=pixels[i:i + batch])))
    return torch.nn.functional.normalize(torch.cat(out), dim=-1)


def train(model, pixels, captions, tokens, args, monitor=None):
    rng = random.Random(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    decay = [p for n, p in model.named_parameters() if p.ndim >= 2 and "embedding" not in n]
    rest = [p for n, p in model.named_parameters()
            if not (p.ndim >= 2 and "embedding" not in n) and n != "logit_scale"]
    # The temperature learns faster than the weights: it must grow by a factor of several.
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay, "mult": 1.0},
                             {"params": rest, "weight_decay": 0.0, "mult": 1.0},
                             {"params": [model.logit_scale], "weight_decay": 0.0, "mult": args.scale_lr_mult}],
                            lr=args.lr, betas=(0.9, 0.98))
    # Caption ids: captions_of[i] lists the ids of every caption true of image i.
    vocab = {}
    width = max(map(len, captions))
    captions_of = torch.full((len(captions), width), -1, dtype=torch.long)
    for i, c in enumerate(captions):
        captions_of[i, :len(c)] = torch.tensor([vocab.setdefault(t, len(vocab)) for t in c])
    n, b = len(captions), args.batch
    order, pos, start = [], 0, time.time()
    model.train()
    for step in range(args.steps):
        lr = args.lr * min(1.0, (step + 1) / args.warmup) * 0.5 * (1 + math.cos(math.pi * step / args.steps))
        for g in opt.param_groups:
            g["lr"] = lr * g["mult"]
        if pos + b > len(order):
            order, pos = torch.randperm(n, generator=gen).tolist(), 0
        idx = order[pos:pos + b]
        pos += b
        # One caption per image, plus hard negatives: each caption with one fact changed, and
        # with its shape replaced by every other shape. Each distinct text is encoded once.
        sampled = [rng.choice(captions[i]) for i in idx]
        negatives = [perturb(t, rng) for t in sampled]
        if args.shape_negatives:
            negatives += [x for t in sampled for x in shape_negatives(t, rng)]
        texts = list(dict.fromkeys(sampled + negatives))
        row = {t: k for k, t in enumerate(texts)}
        own = torch.tensor([row[t] for t in sampled])
        text_ids = torch.tensor([vocab.get(t, -2) for t in texts])
        # true[t, i]: text t is true of image i.
        true = (text_ids[:, None, None] == captions_of[idx][None]).any(-1)
        # bfloat16 matmuls (about 1.7x faster on CPUs with AVX512-BF16), float32 weights.
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bool(args.bf16)):
            img = features(model.get_image_features(pixel_values=normalise(pixels[idx])))
            txt = features(model.get_text_features(input_ids=tokens(texts)))
        img = torch.nn.functional.normalize(img.float(), dim=-1)
        txt = torch.nn.functional.normalize(txt.float(), dim=-1)
        logits = model.logit_scale.exp().clamp(max=100) * txt @ img.T
        # Symmetric contrastive loss, each image's target its sampled caption and each
        # caption's its image. Other true pairs are neither targets nor negatives: a generic
        # caption matching several images must not excuse a specific one ("red circle on
        # stripes" must rank its image above red circles on noise).
        target = torch.zeros_like(true)
        target[own, torch.arange(b)] = True
        allowed = ~true | target
        diag = logits[own, torch.arange(b)]
        t2i_allowed = ~true[own] | torch.eye(b, dtype=torch.bool)
        t2i = (logits[own].masked_fill(~t2i_allowed, float("-inf")).logsumexp(1) - diag).mean()
        i2t = (logits.masked_fill(~allowed, float("-inf")).logsumexp(0) - diag).mean()
        loss = (t2i + i2t) / 2
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 50 == 0 or step == args.steps - 1:
            el = time.time() - start
            log(f"step {step}/{args.steps} loss {loss.item():.3f} scale {model.logit_scale.exp().item():.1f} "
                f"lr {lr:.2e} {el:.0f}s (eta {el / (step + 1) * (args.steps - step - 1):.0f}s)")
        if monitor and args.eval_every and (step + 1) % args.eval_every == 0 and step + 1 < args.steps:
            model.eval()
            log("eval", json.dumps(monitor(model)))
            model.train()
    model.eval()


# ---------------------------------------------------------------------------------- evaluation

def evaluate(img, text_of, scenes, captions):
    """Retrieval figures from L2-normalised image embeddings and a caption -> embedding map."""
    def retrieval(texts):
        emb = torch.stack([text_of[t] for t in texts])
        sims = emb @ img.T
        ranks = []
        for row, t in zip(sims, texts):
            relevant = torch.tensor([t in c for c in captions])
            order = row.argsort(descending=True)
            ranks.append(int(relevant[order].nonzero()[0]) + 1)
        r = torch.tensor(ranks, dtype=torch.float)
        return {"captions": len(texts), "R@1": round((r <= 1).float().mean().item(), 4),
                "R@5": round((r <= 5).float().mean().item(), 4),
                "R@10": round((r <= 10).float().mean().item(), 4),
                "MRR": round((1 / r).mean().item(), 4)}

    single = sorted({t for s, c in zip(scenes, captions) if len(s["objects"]) == 1 for t in c})
    pair = sorted({t for s, c in zip(scenes, captions) if len(s["objects"]) == 2 for t in c})
    res = {"images": len(scenes),
           "single_object_images": sum(len(s["objects"]) == 1 for s in scenes),
           "text_to_image_single_object": retrieval(single),
           "text_to_image_two_objects": retrieval(pair)}
    key = [(s["objects"][0]["shape"], s["objects"][0]["colour"]) if len(s["objects"]) == 1 else None for s in scenes]
    sims = img @ img.T
    sims.fill_diagonal_(float("-inf"))
    top = sims.topk(5, dim=1).indices
    hits = [sum(key[j] == key[i] for j in top[i].tolist()) / 5 for i in range(len(scenes)) if key[i]]
    res["image_to_image_top5_precision_same_shape_colour"] = round(sum(hits) / len(hits), 4)
    return res


def evaluate_model(model, tokens, pixels_u8, scenes, captions):
    """Figures of the model in memory, on images preprocessed by `resize` (quick check)."""
    img = embed_images(model, normalise(pixels_u8))
    texts = sorted({t for c in captions for t in c})
    text_of = dict(zip(texts, embed_texts(model, tokens, texts)))
    return evaluate(img, text_of, scenes, captions)


def evaluate_saved(out, scenes, captions, folder):
    """Loads the saved folder as any user would (CLIPModel, CLIPImageProcessor, tokenizer.json)
    and evaluates it: the figures describe the float16 file, not the training weights."""
    from transformers import CLIPImageProcessor, CLIPModel, CLIPTokenizerFast
    model = CLIPModel.from_pretrained(out, dtype=torch.float32).eval()
    proc = CLIPImageProcessor.from_pretrained(out)
    tok = CLIPTokenizerFast.from_pretrained(out)
    tokens = Tokens(tok, model.config.text_config.max_position_embeddings)
    pixels = torch.cat([proc(images=[Image.open(folder / s["image"]).convert("RGB") for s in scenes[i:i + 256]],
                             return_tensors="pt")["pixel_values"] for i in range(0, len(scenes), 256)])
    img = embed_images(model, pixels)
    texts = sorted({t for c in captions for t in c})
    text_of = dict(zip(texts, embed_texts(model, tokens, texts)))
    return evaluate(img, text_of, scenes, captions)


# ---------------------------------------------------------------------------------------- main

def save(model, out, image_size):
    from transformers import CLIPTokenizerFast
    out.mkdir(parents=True, exist_ok=True)
    for name in ["config.json", "model.safetensors", "tokenizer.json", "preprocessor_config.json"]:
        (out / name).unlink(missing_ok=True)
    half = model.half()
    kwargs = {"safe_serialization": True} if "safe_serialization" in inspect.signature(half.save_pretrained).parameters else {}
    half.save_pretrained(out, **kwargs)
    model.float()
    shutil.copyfile(TOKENIZER, out / "tokenizer.json")
    with open(out / "preprocessor_config.json", "w") as f:
        json.dump({"crop_size": {"height": image_size, "width": image_size}, "do_center_crop": True,
                   "do_convert_rgb": True, "do_normalize": True, "do_rescale": True, "do_resize": True,
                   "image_mean": MEAN, "image_std": STD, "image_processor_type": "CLIPImageProcessor",
                   "resample": 3, "rescale_factor": 1 / 255, "size": {"shortest_edge": image_size}}, f, indent=2)
        f.write("\n")
    # Only the four files of the Hugging Face layout (save_pretrained may add others).
    keep = {"config.json", "model.safetensors", "tokenizer.json", "preprocessor_config.json", "README.md", "metrics.json"}
    for p in out.iterdir():
        if p.name not in keep and p.is_file():
            p.unlink()
    assert CLIPTokenizerFast(tokenizer_file=str(out / "tokenizer.json"))("a photo of a dog")["input_ids"] == \
        [49406, 320, 1125, 539, 320, 1929, 49407]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "assets/demo-model")
    ap.add_argument("--data", type=Path, default=Path.home() / ".cache/iris/demo-data")
    ap.add_argument("--train-count", type=int, default=40000)
    ap.add_argument("--train-seed", type=int, default=1)
    ap.add_argument("--eval-count", type=int, default=1000)
    ap.add_argument("--eval-seed", type=int, default=2)
    ap.add_argument("--reuse-data", action="store_true", help="keep datasets already rendered with the same count and seed")
    ap.add_argument("--image-size", type=int, default=64)
    ap.add_argument("--patch", type=int, default=8)
    ap.add_argument("--vision-hidden", type=int, default=64)
    ap.add_argument("--vision-layers", type=int, default=4)
    ap.add_argument("--text-hidden", type=int, default=32)
    ap.add_argument("--text-layers", type=int, default=2)
    ap.add_argument("--projection", type=int, default=64)
    ap.add_argument("--steps", type=int, default=5000)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--weight-decay", type=float, default=0.05)
    ap.add_argument("--logit-scale-init", type=float, default=2.6592)
    ap.add_argument("--scale-lr-mult", type=float, default=10.0)
    ap.add_argument("--eval-every", type=int, default=0, help="evaluate on the held-out set every N steps (monitoring)")
    ap.add_argument("--shape-negatives", type=int, default=1, help="add every other shape as a negative caption (0/1)")
    ap.add_argument("--pca-init", type=int, default=1, help="initialise the patch embedding from the data's principal components (0/1)")
    ap.add_argument("--mimetic-init", type=int, default=1, help="mimetic attention and sinusoidal position initialisation (0/1)")
    ap.add_argument("--bf16", type=int, default=1, help="train with bfloat16 autocast (0/1)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    t0 = time.time()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    np.random.seed(args.seed)
    from transformers import CLIPTokenizerFast
    train_dir, eval_dir = args.data / f"train-{args.train_seed}", args.data / f"eval-{args.eval_seed}"
    make_dataset(train_dir, args.train_count, args.train_seed, args.reuse_data)
    make_dataset(eval_dir, args.eval_count, args.eval_seed, args.reuse_data)
    scenes, captions, pixels = load_dataset(train_dir, args.image_size)
    eval_scenes, eval_captions, eval_pixels = load_dataset(eval_dir, args.image_size)
    log(f"{len(scenes)} training images, {sum(map(len, captions))} captions ({time.time() - t0:.0f}s)")

    model = build_model(args)
    tokens = Tokens(CLIPTokenizerFast(tokenizer_file=str(TOKENIZER)), 77)
    if args.pca_init:
        pca_patch_init(model, pixels, args)
    if args.mimetic_init:
        mimetic_init(model, args)
    log(f"{sum(p.numel() for p in model.parameters())} parameters")
    t1 = time.time()
    monitor = lambda m: {k: v for k, v in evaluate_model(m, tokens, eval_pixels, eval_scenes, eval_captions).items()
                         if k not in ("images", "single_object_images")}  # noqa: E731
    train(model, pixels, captions, tokens, args, monitor)
    train_s = time.time() - t1

    save(model, args.out, args.image_size)
    metrics = evaluate_saved(args.out, eval_scenes, eval_captions, eval_dir)
    size = sum((args.out / n).stat().st_size for n in
               ["config.json", "model.safetensors", "tokenizer.json", "preprocessor_config.json"])
    metrics = {"eval_set": {"seed": args.eval_seed, "count": args.eval_count},
               "train_set": {"seed": args.train_seed, "count": args.train_count},
               **metrics, "train_seconds": round(train_s), "total_seconds": round(time.time() - t0),
               "model_bytes": size, "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()
                                             if k not in ("out", "data")},
               "versions": {"torch": torch.__version__, "transformers": __import__("transformers").__version__}}
    (args.out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    log(json.dumps(metrics, indent=2))


if __name__ == "__main__":
    sys.exit(main())
