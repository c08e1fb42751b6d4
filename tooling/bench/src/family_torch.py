"""PyTorch peers for the LLaMA- and OPT-shaped `generate` rows of `npm run bench` (torch_bench.py's
"family-generate" job), in fp32 with random weights.

The same computations as Hugging Face's LlamaForCausalLM (RMSNorm, rotary embeddings, grouped-query
attention with repeat_kv, SwiGLU MLP, untied or tied head) and OPTForCausalLM (learned positions at offset 2,
pre-LN blocks, q scaled before the product, ReLU MLP, tied head), as the parity fixtures in
packages/io/fixtures/families/make_family_fixtures.py write them, plus a KV cache for greedy decoding: one
dict per layer holding the keys (after the rotation) and values of earlier positions, grown with torch.cat
each step as Hugging Face's DynamicCache does. Configs are @adaptive-sparse/nn's (camelCase keys).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def attend(q, k, v, cache, scale, rep=1):
    """Softmax attention of q over the cached keys/values followed by k, v (which join the cache); with
    grouped-query attention (rep > 1) key/value head j serves query heads j*rep .. j*rep+rep-1 (repeat_kv)."""
    if "k" in cache:
        k, v = torch.cat([cache["k"], k], 2), torch.cat([cache["v"], v], 2)
    cache["k"], cache["v"] = k, v
    if rep > 1:
        k, v = k.repeat_interleave(rep, dim=1), v.repeat_interleave(rep, dim=1)
    scores = q @ k.transpose(-2, -1) * scale
    t = q.shape[2]
    if t > 1:  # the prompt, into an empty cache: causal (one new position after cached ones sees them all)
        scores = scores.masked_fill(torch.ones(t, t, dtype=torch.bool).triu(1), float("-inf"))
    return F.softmax(scores, dim=-1) @ v


# ---------------------------------------------------------------- LLaMA
def rms_norm(x, weight, eps):
    return weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


class LlamaLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        C, self.nh = c["nEmbd"], c["nHead"]
        self.nkv, self.hd = c.get("nKvHead", self.nh), C // self.nh
        self.q_proj = nn.Linear(C, self.nh * self.hd, bias=False)
        self.k_proj = nn.Linear(C, self.nkv * self.hd, bias=False)
        self.v_proj = nn.Linear(C, self.nkv * self.hd, bias=False)
        self.o_proj = nn.Linear(self.nh * self.hd, C, bias=False)
        I = c["intermediateSize"]
        self.gate_proj, self.up_proj, self.down_proj = nn.Linear(C, I, bias=False), nn.Linear(C, I, bias=False), nn.Linear(I, C, bias=False)
        self.input_layernorm, self.post_attention_layernorm = nn.Parameter(torch.ones(C)), nn.Parameter(torch.ones(C))
        self.eps = c.get("rmsNormEps", 1e-6)

    def attention(self, x, cos, sin, cache):
        b, t, _ = x.shape
        q = self.q_proj(x).view(b, t, self.nh, self.hd).transpose(1, 2)
        k = self.k_proj(x).view(b, t, self.nkv, self.hd).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.nkv, self.hd).transpose(1, 2)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        y = attend(q, k, v, cache, 1 / math.sqrt(self.hd), self.nh // self.nkv)
        return self.o_proj(y.transpose(1, 2).reshape(b, t, self.nh * self.hd))

    def forward(self, x, cos, sin, cache):
        x = x + self.attention(rms_norm(x, self.input_layernorm, self.eps), cos, sin, cache)
        h = rms_norm(x, self.post_attention_layernorm, self.eps)
        return x + self.down_proj(F.silu(self.gate_proj(h)) * self.up_proj(h))


class Llama(nn.Module):
    def __init__(self, c):
        super().__init__()
        C = c["nEmbd"]
        self.embed_tokens = nn.Embedding(c["vocabSize"], C)
        self.layers = nn.ModuleList([LlamaLayer(c) for _ in range(c["nLayer"])])
        self.norm, self.eps = nn.Parameter(torch.ones(C)), c.get("rmsNormEps", 1e-6)
        self.lm_head = nn.Linear(C, c["vocabSize"], bias=False)
        if c.get("tieWordEmbeddings", False):
            self.lm_head.weight = self.embed_tokens.weight
        hd = C // c["nHead"]
        self.inv_freq = 1.0 / (c.get("ropeTheta", 10000.0) ** (torch.arange(0, hd, 2).float() / hd))
        for p in self.parameters():
            if p.dim() == 2:
                nn.init.normal_(p, std=0.02)

    def forward(self, idx, caches, start):
        t = idx.shape[1]
        freqs = torch.arange(start, start + t).float()[:, None] * self.inv_freq[None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos(), emb.sin()
        x = self.embed_tokens(idx)
        for layer, cache in zip(self.layers, caches):
            x = layer(x, cos, sin, cache)
        return self.lm_head(rms_norm(x, self.norm, self.eps))


# ---------------------------------------------------------------- OPT
class OPTLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        C, self.nh = c["nEmbd"], c["nHead"]
        self.q_proj, self.k_proj, self.v_proj, self.out_proj = (nn.Linear(C, C) for _ in range(4))
        self.fc1, self.fc2 = nn.Linear(C, c["ffnDim"]), nn.Linear(c["ffnDim"], C)
        self.self_attn_layer_norm, self.final_layer_norm = nn.LayerNorm(C), nn.LayerNorm(C)

    def attention(self, x, cache):
        b, t, C = x.shape
        hd = C // self.nh
        heads = lambda z: z.view(b, t, self.nh, hd).transpose(1, 2)
        y = attend(heads(self.q_proj(x) * hd ** -0.5), heads(self.k_proj(x)), heads(self.v_proj(x)), cache, 1.0)  # OPT scales q first
        return self.out_proj(y.transpose(1, 2).reshape(b, t, C))

    def forward(self, x, cache):  # pre-LN (do_layer_norm_before, every OPT but 350M)
        x = x + self.attention(self.self_attn_layer_norm(x), cache)
        return x + self.fc2(F.relu(self.fc1(self.final_layer_norm(x))))


class OPT(nn.Module):
    def __init__(self, c):
        super().__init__()
        C = c["nEmbd"]
        self.embed_tokens = nn.Embedding(c["vocabSize"], C)
        self.embed_positions = nn.Embedding(c["blockSize"] + 2, C)
        self.layers = nn.ModuleList([OPTLayer(c) for _ in range(c["nLayer"])])
        self.final_layer_norm = nn.LayerNorm(C)
        for p in self.parameters():
            if p.dim() == 2:
                nn.init.normal_(p, std=0.02)

    def forward(self, idx, caches, start):
        t = idx.shape[1]
        x = self.embed_tokens(idx) + self.embed_positions(torch.arange(start, start + t) + 2)  # OPT's offset of 2
        for layer, cache in zip(self.layers, caches):
            x = layer(x, cache)
        return self.final_layer_norm(x) @ self.embed_tokens.weight.t()  # tied head


FAMILIES = {"llama": Llama, "opt": OPT}


def build(family, config):
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r} (llama or opt)")
    if family == "opt" and not config.get("doLayerNormBefore", True):
        raise ValueError("the OPT peer models pre-LN OPTs only (doLayerNormBefore true)")
    return FAMILIES[family](config).eval()


def generate(model, prompt, tokens):
    """Greedy: the prompt in one forward, then one position per forward; returns the new token ids."""
    caches = [dict() for _ in model.layers]
    logits = model(torch.tensor([prompt], dtype=torch.long), caches, 0)
    out = []
    for step in range(tokens):
        nxt = logits[:, -1].argmax(-1, keepdim=True)
        out.append(int(nxt))
        if step + 1 < tokens:
            logits = model(nxt, caches, len(prompt) + step)
    return out


def cache_error(family, config, length):
    """Largest |difference| between the logits of a cached decode (a 1-token prompt, then one position per
    forward) and one forward over the whole sequence: the peer's cache computes what its forward does."""
    torch.manual_seed(0)
    model = build(family, config)
    idx = torch.randint(config["vocabSize"], (1, length))
    full = model(idx, [dict() for _ in model.layers], 0)
    caches = [dict() for _ in model.layers]
    steps = [model(idx[:, i:i + 1], caches, i) for i in range(length)]
    return float((torch.cat(steps, 1) - full).abs().max())
