#!/usr/bin/env python3
"""Generate a synthetic, deterministic corpus of PyTorch Markdown notes for the benchmarks.

    python gen_corpus.py DIR --docs N --blocks M [--kind notes|heavy|memory] [--seed S]

Run it with the interpreter that has torch installed (``benchmarks/run.py`` uses its own
virtualenv): every distinct block is executed once here and its real stdout becomes the
expected output, so a passing run of the plugin means the notes were really checked.

Kinds of corpus:

  notes    small blocks of everyday torch code (tensors, reshape, autograd, nn.Linear, ...)
           behind Markdown prose, tables and headings, like a blog of study notes.
  heavy    blocks that each spend ~0.2 s of one CPU core in matmuls and convolutions
           (``torch.set_num_threads(1)`` inside the note); ``--rounds`` scales the work.
  memory   notes whose first block makes a 64 MB tensor that the second block still uses.

Layout of DIR (each sub-directory has its own pytest.ini, so pytest's rootdir stops there):

  torchnotes/   one note per file: a ```python block, a blank line, the marker line
                "======== output ==========" and the expected stdout.
  doctest/      (``notes`` only) the same notes with each block written as a ``>>>``
                transcript (``python`` fence, one prompt per statement, its output below),
                for the peer ``pytest --doctest-glob='*.md'`` (one item per note).
  sybil/        (``notes`` only) the same doctest Markdown and a conftest.py that gives
                it to stock Sybil's Markdown ``PythonCodeBlockParser`` (one item per
                ``>>>`` example).
  py/           (``notes`` only) the same blocks as one plain .py per note, cells split by
                "# %% block K", expected stdout kept in "#| " comment lines; run.py execs
                them all in one process as the floor no checking tool can go below.
  raw_exec.py   (``notes`` only) the floor: execs every cell of py/ in ONE Python process,
                each in a fresh namespace with stdout redirected, and compares it with the
                expected text, the least any output-checking tool must do.
                ``python raw_exec.py py`` prints "N passed, N failed".
  manifest.json the arguments, counts, the torch/python versions and this file's hash.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import hashlib
import io
import json
import random
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

MARKER = "======== output =========="
PYTEST_INI = "[pytest]\n"
KINDS = ("notes", "heavy", "memory")

# Written to DIR/raw_exec.py: stdlib only, so that it costs nothing but the work itself.
RAW_EXEC = '''\
"""Exec every cell of every plain .py note in ONE process; compare stdout with "#| " lines."""
import contextlib
import io
import re
import sys
import traceback
from pathlib import Path

CELL = re.compile(r"^# %% block \\d+\\n", re.M)


def main() -> int:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    passed = failed = 0
    for path in sorted(root.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        for cell in CELL.split(text)[1:]:
            lines = [line for line in cell.splitlines() if line.startswith("#|")]
            want = "\\n".join(line[3:] for line in lines)
            buf = io.StringIO()
            try:
                with contextlib.redirect_stdout(buf):
                    exec(compile(cell, str(path), "exec"), {"__name__": "__main__"})
            except Exception:
                failed += 1
                traceback.print_exc()
                continue
            if buf.getvalue().rstrip("\\n") != want:
                failed += 1
                print(f"MISMATCH in {path}:\\n--- expected\\n{want}\\n--- got\\n{buf.getvalue()}")
            else:
                passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
'''

# Written to DIR/sybil/conftest.py: stock Sybil, as its documentation sets it up.
SYBIL_CONFTEST = """\
from sybil import Sybil
from sybil.parsers.markdown import PythonCodeBlockParser

pytest_collect_file = Sybil(parsers=[PythonCodeBlockParser()], patterns=["*.md"]).pytest()
"""

# --------------------------------------------------------------------------
# Prose
# --------------------------------------------------------------------------
TITLES = [
    "张量基础",
    "形状变换",
    "矩阵乘法",
    "自动求导",
    "线性层",
    "数据类型",
    "归约运算",
    "拼接与切分",
    "条件选择",
    "高维张量",
    "随机数",
    "梯度控制",
    "一个小训练循环",
]
SENTENCES = [
    "张量（Tensor）是 PyTorch 中最基本的数据结构，可以看作是多维数组。",
    "下面的例子展示了如何创建张量并查看它的形状。",
    "注意：带下划线后缀的方法（例如 `abs_()`）会原地修改张量。",
    "自动求导（autograd）会记录计算图，调用 `backward()` 之后梯度保存在 `.grad` 属性中。",
    "`nn.Linear` 的权重是随机初始化的，所以先调用 `torch.manual_seed` 固定随机种子，输出才可复现。",
    "数据类型转换使用 `.to(dtype)`，或者 `.int()`、`.float()` 等简写。",
    "广播机制让形状不同的张量也能逐元素运算。",
    "矩阵乘法可以写成 `a @ b`，等价于 `torch.matmul(a, b)`。",
    "`reshape` 和 `view` 的区别在于：`view` 要求内存连续。",
    "在 `torch.no_grad()` 上下文中计算的结果不会记录梯度。",
    "以下代码均在 CPU 上运行，输出来自 PyTorch 2.13.0。",
    "如果输出和你本地的不一致，先检查 PyTorch 的版本。",
    "三维张量打印时，不同的切片之间会空一行。",
    "`torch.where(cond, a, b)` 按条件逐元素地从 `a` 或 `b` 中取值。",
    "优化器的 `step()` 会根据 `.grad` 更新参数，别忘了先 `zero_grad()`。",
]
TABLE = """| 操作 | 函数 | 说明 |
| --- | --- | --- |
| 创建 | `torch.arange` | 生成等差序列 |
| 变形 | `reshape` / `view` | 返回新形状的张量 |
| 乘法 | `@` / `torch.matmul` | 矩阵乘法 |
| 求导 | `backward()` | 反向传播计算梯度 |
| 转换 | `.to(dtype)` | 改变数据类型 |
"""


# --------------------------------------------------------------------------
# Code templates of the ``notes`` kind: each returns one self-contained block.
# All are deterministic on CPU (integer data, or manual_seed before RNG use).
# --------------------------------------------------------------------------
def t_arange_abs(r: random.Random) -> str:
    a = r.randint(3, 9)
    b = r.randint(1, a - 1)
    return f"""import torch
x = torch.arange(-{a},-{b})
print(x)
x.abs_()
print(x)"""


def t_reshape(r: random.Random) -> str:
    n, m = r.randint(2, 4), r.randint(2, 5)
    return f"""import torch
x = torch.arange({n * m})
y = x.reshape({n}, {m})
print(y)
print(y.shape)
print(y.t().contiguous().view(-1))"""


def t_matmul(r: random.Random) -> str:
    n, k, m, c = r.randint(2, 3), r.randint(2, 4), r.randint(2, 3), r.randint(1, 3)
    return f"""import torch
a = torch.arange({n * k}, dtype=torch.float32).reshape({n}, {k})
b = torch.ones({k}, {m}) * {c}
c = a @ b
print(c)
print(torch.matmul(a, b).sum().item())"""


def t_autograd(r: random.Random) -> str:
    vals = ", ".join(f"{r.randint(-3, 3)}.0" for _ in range(r.randint(2, 4)))
    c = r.randint(1, 4)
    return f"""import torch
x = torch.tensor([{vals}], requires_grad=True)
y = (x ** 2 + {c} * x).sum()
y.backward()
print(y)
print(x.grad)"""


def t_linear(r: random.Random) -> str:
    seed, i, o = r.randint(0, 99), r.randint(2, 4), r.randint(1, 3)
    return f"""import torch
from torch import nn
torch.manual_seed({seed})
layer = nn.Linear({i}, {o})
x = torch.arange({2 * i}, dtype=torch.float32).reshape(2, {i})
print(layer.weight.shape)
print(layer(x))"""


def t_dtype(r: random.Random) -> str:
    vals = ", ".join(f"{r.randint(-20, 20) / 4}" for _ in range(r.randint(3, 5)))
    return f"""import torch
x = torch.tensor([{vals}])
print(x.dtype)
print(x.int())
print(x.to(torch.float16))
print(x.bool())
print(x.to(torch.int64).dtype)"""


def t_reduce(r: random.Random) -> str:
    n, m = r.randint(2, 4), r.randint(2, 4)
    return f"""import torch
x = torch.arange({n * m}, dtype=torch.float32).reshape({n}, {m})
print(x.sum(dim=0))
print(x.mean(dim=1))
print(x.argmax(dim=1))"""


def t_cat(r: random.Random) -> str:
    m = r.choice([2, 4, 6])
    return f"""import torch
a = torch.zeros(2, {m}, dtype=torch.int64)
b = torch.arange(2 * {m}).reshape(2, {m})
print(torch.cat([a, b], dim=0))
print(torch.stack([a, b]).shape)
chunks = torch.chunk(b, 2, dim=1)
print(len(chunks), chunks[0])"""


def t_where(r: random.Random) -> str:
    k = r.randint(2, 5)
    return f"""import torch
x = torch.arange(-{k}, {k})
mask = x > 0
print(mask)
print(torch.where(mask, x, torch.zeros_like(x)))
print(x.masked_fill(~mask, -1))"""


def t_3d(r: random.Random) -> str:
    n, m = r.randint(2, 3), r.randint(2, 4)
    return f"""import torch
x = torch.arange({2 * n * m}).reshape(2, {n}, {m})
print(x)
print(x.permute(2, 0, 1).shape)"""


def t_randn(r: random.Random) -> str:
    seed, n, m = r.randint(0, 999), r.randint(2, 3), r.randint(2, 4)
    return f"""import torch
torch.manual_seed({seed})
x = torch.randn({n}, {m})
print(x)
print(x.round(decimals=2))"""


def t_nograd(r: random.Random) -> str:
    n, c = r.randint(2, 5), r.randint(2, 5)
    return f"""import torch
w = torch.ones({n}, requires_grad=True)
with torch.no_grad():
    z = w * {c}
print(z.requires_grad)
loss = (w * torch.arange({n}, dtype=torch.float32)).sum()
loss.backward()
print(w.grad)
print(w.detach().requires_grad)"""


def t_sgd(r: random.Random) -> str:
    seed, steps = r.randint(0, 99), r.randint(2, 4)
    return f"""import torch
torch.manual_seed({seed})
model = torch.nn.Linear(2, 1)
opt = torch.optim.SGD(model.parameters(), lr=0.1)
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
y = torch.tensor([[1.0], [2.0]])
for step in range({steps}):
    opt.zero_grad()
    loss = torch.nn.functional.mse_loss(model(x), y)
    loss.backward()
    opt.step()
    print(step, round(loss.item(), 4))"""


TEMPLATES: list[Callable[[random.Random], str]] = [
    t_arange_abs,
    t_reshape,
    t_matmul,
    t_autograd,
    t_linear,
    t_dtype,
    t_reduce,
    t_cat,
    t_where,
    t_3d,
    t_randn,
    t_nograd,
    t_sgd,
]


# --------------------------------------------------------------------------
# Code of the ``heavy`` and ``memory`` kinds.
# --------------------------------------------------------------------------
def heavy_block(k: int, variant: int, rounds: int) -> str:
    """~0.2 s of one core at rounds=20: matmuls and 3x3 convolutions on small integers.

    Every value stays a small integer (``remainder``, and ``round`` after the convolution,
    which may use Winograd), so the printed output is exact on any CPU and thread count.
    """
    n = 448 + 64 * variant
    return f"""import torch
import torch.nn.functional as F
torch.set_num_threads(1)
a = (torch.arange({n} * {n}) % 7).float().reshape({n}, {n})
b = (torch.arange({n} * {n}) % 5 + {k + 1}).float().reshape({n}, {n}).t()
for _ in range({rounds}):
    a = (a @ b).remainder(13)
x = (torch.arange(4 * 32 * 64 * 64) % 11 + {variant}).float().reshape(4, 32, 64, 64)
w = (torch.arange(32 * 32 * 9) % 3 - 1).float().reshape(32, 32, 3, 3)
for _ in range({rounds * 3 // 4}):
    x = F.conv2d(x, w, padding=1).round().remainder(11)
print(a[:2, :6])
print(int(a.sum().item()), int(x.sum().item()), tuple(x.shape))"""


MEMORY_BLOCKS = [
    """import torch
x = torch.ones(16 * 1024 * 1024)  # 64 MB of float32, held until the note ends
print(x.shape, x.dtype, x.nbytes // 2**20, "MB")""",
    """print(x[:3])
print(x.sum())""",
]


# --------------------------------------------------------------------------
# Running code to get the real expected output
# --------------------------------------------------------------------------
def run_block(code: str, namespace: dict[str, Any]) -> str:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(compile(code, "<block>", "exec"), namespace)
    return buf.getvalue()


#: An echo doctest cannot match: an object's address (``torch.manual_seed`` returns a
#: Generator), written ``_ = expr`` instead, as doctest authors do.
ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def to_doctest(code: str) -> tuple[str, int]:
    """``code`` as a ``>>>`` transcript, run statement by statement in interactive mode as
    doctest runs it; and the number of its examples (``>>>`` prompts)."""
    lines = code.splitlines()
    namespace: dict[str, Any] = {"__name__": "__main__"}
    parts = []
    tree = ast.parse(code)
    for node in tree.body:
        source = lines[node.lineno - 1 : node.end_lineno]
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            exec(compile("\n".join(source) + "\n", "<doctest>", "single"), namespace)
        got = buf.getvalue()
        if isinstance(node, ast.Expr) and ADDRESS.search(got):
            source = ["_ = " + source[0], *source[1:]]
            got = ""
        text = [(">>> " if i == 0 else "... ") + line for i, line in enumerate(source)]
        text.extend(line if line.strip() else "<BLANKLINE>" for line in got.splitlines())
        parts.append("\n".join(text))
    return "\n".join(parts) + "\n", len(tree.body)


class Outputs:
    """Runs each distinct block once: large corpora repeat the same blocks.

    Blocks of the ``notes`` and ``heavy`` kinds are self-contained, so each is run in a
    fresh namespace and cached by its code; the blocks of a ``memory`` note share one
    namespace, so such a note is run whole and cached by all of its code.
    """

    def __init__(self) -> None:
        self.cache: dict[tuple[str, ...], list[str]] = {}

    def of(self, codes: list[str], *, shared: bool) -> list[str]:
        """Expected outputs of a note's blocks."""
        if not shared:
            return [self._run((code,))[0] for code in codes]
        return self._run(tuple(codes))

    def _run(self, codes: tuple[str, ...]) -> list[str]:
        if codes not in self.cache:
            namespace: dict[str, Any] = {"__name__": "__main__"}
            self.cache[codes] = [run_block(code, namespace) for code in codes]
        return self.cache[codes]


# --------------------------------------------------------------------------
# Document assembly
# --------------------------------------------------------------------------
def front_matter(d: int, r: random.Random) -> str:
    month, day = 1 + d % 12, 1 + d % 28
    topic = TITLES[d % len(TITLES)]
    tags = ", ".join(r.sample(["tensor", "autograd", "nn", "dtype", "broadcast", "optim"], 3))
    return (
        f'---\nlayout: post\ntitle: "PyTorch 笔记 {d + 1}：{topic}"\n'
        f"date: 2023-{month:02d}-{day:02d} 10:{d % 60:02d}:00 +0800\n"
        f"categories: [pytorch, 笔记]\ntags: [{tags}]\nauthor: 小明\n"
        f"excerpt: 学习 PyTorch 时的一些随手笔记。\n---\n"
    )


def make_doc(d: int, blocks: list[dict[str, Any]], r: random.Random, doctest: bool = False) -> str:
    out = [
        front_matter(d, r),
        f"# PyTorch 笔记 {d + 1}\n",
        r.choice(SENTENCES) + r.choice(SENTENCES) + "\n",
        "> 提示：本文中的代码块都会被自动执行，输出与正文保持一致。\n",
        TABLE,
        "环境安装：\n",
        "```bash\npip install torch==2.13.0\n```\n",
    ]
    for k, b in enumerate(blocks):
        if k % 4 == 0:
            number = "一二三四五六七八九十"[(k // 4) % 10]
            out.append(f"## {number}、{TITLES[b['tpl'] % len(TITLES)]}\n")
        out.append(f"### {k // 4 + 1}.{k % 4 + 1} 示例 {k + 1}\n")
        link = " 详见[官方文档](https://pytorch.org/docs/stable/)。" if k % 5 == 0 else ""
        out.append(r.choice(SENTENCES) + link + "\n")
        if doctest:
            # A blank line before the closing fence, or doctest reads the fence as output.
            out.append(f"```python\n{b['doctest']}\n```\n")
        else:
            out.append(f"```python\n{b['code']}\n\n{MARKER}\n{b['out'].rstrip(chr(10))}\n```\n")
        if k % 3 == 2:
            out.append("- 小结：" + r.choice(SENTENCES) + "\n- 练习：把上面的形状改一改再运行。\n")
    out.append("## 参考\n\n1. PyTorch 官方文档\n2. 《动手学深度学习》\n")
    return "\n".join(out)


def make_py(d: int, blocks: list[dict[str, Any]]) -> str:
    parts = [
        f"# PyTorch note {d + 1}: plain-Python form (cells = Markdown blocks).\n"
        "# Each cell's expected stdout is kept below it as '#| ' comment lines.\n"
    ]
    for k, b in enumerate(blocks):
        lines = b["out"].rstrip("\n").split("\n")
        exp = "\n".join("#| " + line if line else "#|" for line in lines)
        parts.append(f"# %% block {k + 1}\n{b['code']}\n{exp}\n")
    return "\n".join(parts)


def note_codes(kind: str, d: int, n_blocks: int, seed: int, rounds: int) -> list[tuple[int, str]]:
    """(template number, code) of each block of note ``d``."""
    if kind == "notes":
        r = random.Random(seed * 1_000_003 + d)
        codes = []
        for k in range(n_blocks):
            tpl = (d * 7 + k * 5 + r.randint(0, 3)) % len(TEMPLATES)
            codes.append((tpl, TEMPLATES[tpl](r)))
        return codes
    if kind == "heavy":
        return [(2, heavy_block(k, (d + k) % 2, rounds)) for k in range(n_blocks)]
    return [(0, MEMORY_BLOCKS[k % len(MEMORY_BLOCKS)]) for k in range(n_blocks)]


def prepare(root: Path, kind: str, force: bool) -> bool:
    if root.exists():
        if not force:
            print(f"{root} exists (use --force)", file=sys.stderr)
            return False
        shutil.rmtree(root)
    (root / "torchnotes").mkdir(parents=True)
    (root / "torchnotes" / "pytest.ini").write_text(PYTEST_INI)
    if kind == "notes":
        (root / "py").mkdir()
        (root / "raw_exec.py").write_text(RAW_EXEC)
        for peer in ("doctest", "sybil"):
            (root / peer).mkdir()
            (root / peer / "pytest.ini").write_text(PYTEST_INI)
        (root / "sybil" / "conftest.py").write_text(SYBIL_CONFTEST)
    return True


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("dir", type=Path)
    ap.add_argument("--docs", type=int, required=True)
    ap.add_argument("--blocks", type=int, required=True)
    ap.add_argument("--kind", choices=KINDS, default="notes")
    ap.add_argument("--seed", type=int, default=2130)
    ap.add_argument("--rounds", type=int, default=20, help="work of a heavy block")
    ap.add_argument("--force", action="store_true", help="overwrite an existing DIR")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    a = parse_args(argv)
    import torch

    if not torch.__version__.startswith("2.13.0"):
        print(f"warning: torch {torch.__version__}, outputs are meant for 2.13.0", file=sys.stderr)

    root: Path = a.dir
    if not prepare(root, a.kind, a.force):
        return 2
    outputs = Outputs()
    doctests: dict[str, tuple[str, int]] = {}
    examples = 0
    for d in range(a.docs):
        codes = note_codes(a.kind, d, a.blocks, a.seed, a.rounds)
        outs = outputs.of([code for _, code in codes], shared=a.kind == "memory")
        blocks = [
            {"tpl": tpl, "code": code, "out": out}
            for (tpl, code), out in zip(codes, outs, strict=True)
        ]
        stem = f"2023-{1 + d % 12:02d}-{1 + d % 28:02d}-pytorch-note-{d + 1:04d}"
        text = make_doc(d, blocks, random.Random(d))
        (root / "torchnotes" / f"{stem}.md").write_text(text, encoding="utf-8")
        if a.kind == "notes":
            (root / "py" / f"{stem}.py").write_text(make_py(d, blocks), encoding="utf-8")
            for b in blocks:
                if b["code"] not in doctests:
                    doctests[b["code"]] = to_doctest(b["code"])
                b["doctest"], count = doctests[b["code"]]
                examples += count
            text = make_doc(d, blocks, random.Random(d), doctest=True)
            for peer in ("doctest", "sybil"):
                (root / peer / f"{stem}.md").write_text(text, encoding="utf-8")

    manifest = {
        "kind": a.kind,
        "docs": a.docs,
        "blocks_per_doc": a.blocks,
        "blocks": a.docs * a.blocks,
        "doctest_examples": examples,
        "seed": a.seed,
        "rounds": a.rounds,
        "distinct_runs": len(outputs.cache),
        "torch": torch.__version__,
        "python": sys.version.split()[0],
        "marker": MARKER,
        "generator_sha256": hashlib.sha256(Path(__file__).read_bytes()).hexdigest(),
    }
    (root / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(json.dumps(manifest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
