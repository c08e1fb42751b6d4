// PyTorch's figures for the CUDA check, timed in the same run: the check writes this script to a temp file and
// runs it with the machine's python3 (torch with CUDA). It prints one JSON line. Kept as a string so the bundled
// check carries it.
export const TORCH_REFERENCE_PY = String.raw`
import json, math, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

args = json.loads(sys.argv[1])
dev = "cuda"
out = {"torch": torch.__version__, "device": torch.cuda.get_device_name(0), "gemm": {}, "gpt": None}

def timed(fn, reps):
    fn(); torch.cuda.synchronize()
    samples = []
    for _ in range(3):
        t0 = time.perf_counter()
        for _ in range(reps): fn()
        torch.cuda.synchronize()
        samples.append((time.perf_counter() - t0) * 1000 / reps)
    return sorted(samples)[1]

g = torch.Generator(device=dev).manual_seed(0)
for n in args["gemm_sizes"]:
    for precision in ["f32", "tf32", "bf16"]:
        torch.backends.cuda.matmul.allow_tf32 = precision == "tf32"
        dtype = torch.bfloat16 if precision == "bf16" else torch.float32
        a = torch.randn(n, n, device=dev, generator=g).to(dtype)
        b = torch.randn(n, n, device=dev, generator=g).to(dtype)
        ms = timed(lambda: torch.matmul(a, b), args["reps"])
        out["gemm"][f"{precision}:{n}"] = ms
        del a, b
torch.backends.cuda.matmul.allow_tf32 = False

class Block(nn.Module):
    def __init__(s, d, h):
        super().__init__()
        s.h = h
        s.ln_1 = nn.LayerNorm(d); s.c_attn = nn.Linear(d, 3 * d); s.c_proj = nn.Linear(d, d)
        s.ln_2 = nn.LayerNorm(d); s.c_fc = nn.Linear(d, 4 * d); s.mlp_proj = nn.Linear(4 * d, d)
    def forward(s, x, mask):
        B, T, C = x.shape
        q, k, v = s.c_attn(s.ln_1(x)).split(C, dim=2)
        q, k, v = [t.view(B, T, s.h, C // s.h).transpose(1, 2) for t in (q, k, v)]
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(C // s.h))
        att = F.softmax(att.masked_fill(mask[:T, :T] == 0, float("-inf")), dim=-1)
        x = x + s.c_proj((att @ v).transpose(1, 2).contiguous().view(B, T, C))
        return x + s.mlp_proj(F.gelu(s.c_fc(s.ln_2(x)), approximate="tanh"))

class GPT(nn.Module):
    def __init__(s, c):
        super().__init__()
        s.wte = nn.Embedding(c["vocabSize"], c["nEmbd"]); s.wpe = nn.Embedding(c["blockSize"], c["nEmbd"])
        s.h = nn.ModuleList([Block(c["nEmbd"], c["nHead"]) for _ in range(c["nLayer"])])
        s.ln_f = nn.LayerNorm(c["nEmbd"])
        s.register_buffer("mask", torch.tril(torch.ones(c["blockSize"], c["blockSize"])))
    def forward(s, idx, targets):
        T = idx.shape[1]
        x = s.wte(idx) + s.wpe(torch.arange(T, device=idx.device))
        for block in s.h: x = block(x, s.mask)
        logits = s.ln_f(x) @ s.wte.weight.t()
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))

gpt = args.get("gpt")
if gpt:
    out["gpt"] = {}
    for mode in ["f32", "tf32", "bf16"]:
        torch.backends.cuda.matmul.allow_tf32 = mode == "tf32"
        torch.backends.cudnn.allow_tf32 = mode == "tf32"
        torch.manual_seed(0)
        model = GPT(gpt["config"]).to(dev)
        # GPT-2's initialisation (as our GPT): N(0, 0.02) weights, zero biases, unit LayerNorms.
        for mod in model.modules():
            if isinstance(mod, (nn.Linear, nn.Embedding)):
                nn.init.normal_(mod.weight, 0.0, 0.02)
                if getattr(mod, "bias", None) is not None: nn.init.zeros_(mod.bias)
        opt = torch.optim.AdamW(model.parameters(), lr=6e-4, betas=(0.9, 0.95), weight_decay=0.1)
        V = gpt["config"]["vocabSize"]
        idx = torch.randint(0, V, (gpt["batch"], gpt["seq"]), device=dev)
        tgt = torch.randint(0, V, (gpt["batch"], gpt["seq"]), device=dev)
        torch.cuda.empty_cache(); torch.cuda.reset_peak_memory_stats()
        times, losses = [], []
        for i in range(gpt["warmup"] + gpt["steps"]):
            torch.cuda.synchronize(); t0 = time.perf_counter()
            opt.zero_grad(set_to_none=True)
            with torch.autocast("cuda", dtype=torch.bfloat16, enabled=mode == "bf16"):
                loss = model(idx, tgt)
            loss.backward()
            losses.append(loss.item())
            opt.step()
            torch.cuda.synchronize()
            if i >= gpt["warmup"]: times.append((time.perf_counter() - t0) * 1000)
        out["gpt"][mode] = {"stepMs": times, "losses": losses, "peakBytes": torch.cuda.max_memory_allocated()}
        del model, opt
    torch.backends.cuda.matmul.allow_tf32 = False
print("TORCH_JSON " + json.dumps(out), flush=True)
`;
