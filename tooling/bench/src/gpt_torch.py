"""PyTorch CPU peer for the GPT rows of `npm run bench` (gpt.mjs runs this with /usr/bin/python3).

A nanoGPT-style model equivalent to @adaptive-sparse/nn's GPT: token + position embeddings, pre-LN blocks
(LayerNorm, causal self-attention, GELU-tanh MLP), final LayerNorm, LM head tied to the token embedding,
cross-entropy; nanoGPT's init and AdamW parameter groups (weight decay on matrices only). fp32.

argv[1]: the setup as JSON (config, batch, seq, forwardBatch, warmup, steps, forwardSteps, optimizer);
argv[2]: threads. Prints one JSON line: step and forward times (ms), losses, peak RSS (MiB), torch version.
"""
import json
import math
import resource
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, n_embd, n_head, block_size):
        super().__init__()
        self.n_head = n_head
        self.ln_1 = nn.LayerNorm(n_embd)
        self.c_attn = nn.Linear(n_embd, 3 * n_embd)
        self.attn_proj = nn.Linear(n_embd, n_embd)
        self.ln_2 = nn.LayerNorm(n_embd)
        self.c_fc = nn.Linear(n_embd, 4 * n_embd)
        self.mlp_proj = nn.Linear(4 * n_embd, n_embd)
        self.register_buffer("future", torch.triu(torch.ones(block_size, block_size, dtype=torch.bool), 1))

    def attention(self, x, cache=None):
        b, t, c = x.shape
        q, k, v = self.c_attn(x).split(c, dim=2)
        q, k, v = (z.view(b, t, self.n_head, c // self.n_head).transpose(1, 2) for z in (q, k, v))
        if cache is not None:  # a KV cache (a dict per block): earlier positions' keys and values first
            if "k" in cache:
                k, v = torch.cat([cache["k"], k], 2), torch.cat([cache["v"], v], 2)
            cache["k"], cache["v"] = k, v
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(c // self.n_head)
        if t > 1:  # one new position after cached ones sees them all
            scores = scores.masked_fill(self.future[:t, :t], float("-inf"))
        y = F.softmax(scores, dim=-1) @ v
        return self.attn_proj(y.transpose(1, 2).contiguous().view(b, t, c))

    def forward(self, x, cache=None):
        x = x + self.attention(self.ln_1(x), cache)
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.wte = nn.Embedding(c["vocabSize"], c["nEmbd"])
        self.wpe = nn.Embedding(c["blockSize"], c["nEmbd"])
        self.h = nn.ModuleList([Block(c["nEmbd"], c["nHead"], c["blockSize"]) for _ in range(c["nLayer"])])
        self.ln_f = nn.LayerNorm(c["nEmbd"])
        self.apply(self._init)
        for block in self.h:  # residual projections scaled by 1/sqrt(2 * nLayer), as nanoGPT
            for proj in (block.attn_proj, block.mlp_proj):
                nn.init.normal_(proj.weight, std=0.02 / math.sqrt(2 * c["nLayer"]))

    @staticmethod
    def _init(module):
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)

    def forward(self, idx, targets=None, caches=None, start=0):
        """caches: one dict per block for KV-cached decoding (prefill with the prompt, then one position per call,
        `start` its position); without them, the whole sequence as in training."""
        t = idx.shape[1]
        x = self.wte(idx) + self.wpe(torch.arange(start, start + t))
        for i, block in enumerate(self.h):
            x = block(x, None if caches is None else caches[i])
        logits = self.ln_f(x) @ self.wte.weight.t()  # tied LM head
        if targets is None:
            return logits
        return F.cross_entropy(logits.view(-1, logits.shape[-1]), targets.view(-1))


def peak_mib():
    """Peak RSS of this process: VmHWM on Linux (ru_maxrss is inherited from the parent through fork and exec,
    so it would report the bench process's peak), else ru_maxrss (KiB on Linux)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    setup = json.loads(sys.argv[1])
    torch.set_num_threads(int(sys.argv[2]))
    torch.manual_seed(0)
    c = setup["config"]
    model = GPT(c)
    params = list(model.parameters())
    opt_setup = setup["optimizer"]
    groups = [
        {"params": [p for p in params if p.dim() >= 2], "weight_decay": opt_setup["weightDecay"]},
        {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=opt_setup["lr"], betas=tuple(opt_setup["betas"]))
    idx = torch.randint(c["vocabSize"], (setup["batch"], setup["seq"]))
    targets = torch.randint(c["vocabSize"], (setup["batch"], setup["seq"]))

    model.train()
    losses, step_ms = [], []
    for i in range(setup["warmup"] + setup["steps"]):
        start = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        loss = model(idx, targets)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if i >= setup["warmup"]:
            step_ms.append((time.perf_counter() - start) * 1e3)

    model.eval()
    prompt = torch.randint(c["vocabSize"], (setup["forwardBatch"], setup["seq"]))
    forward_ms = []
    with torch.no_grad():
        for i in range(setup["warmup"] + setup["forwardSteps"]):
            start = time.perf_counter()
            model(prompt)
            if i >= setup["warmup"]:
                forward_ms.append((time.perf_counter() - start) * 1e3)

    print(json.dumps({
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "stepMs": step_ms,
        "forwardMs": forward_ms,
        "losses": losses,
        "peakMiB": peak_mib(),
    }))


if __name__ == "__main__":
    main()
