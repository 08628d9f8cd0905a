"""End to end: hostile notes of a thirteenth round, on torch's own global state."""

from __future__ import annotations

import pytest

from tests.conftest import WriteNote


def _block(code: str, output: str | None = None) -> str:
    if output is None:
        return f"```python\n{code}\n```\n"
    return f"```python\n{code}\n=== output ===\n{output}\n```\n"


@pytest.mark.parametrize(
    ("leave", "check", "fresh"),
    [
        (  # every later note's torch.compile ran eagerly
            'torch.compiler.set_stance("force_eager")',
            "import torch._dynamo.eval_frame as ef\nprint(ef._stance.stance)",
            "default",
        ),
        (
            'torch.compiler.set_stance("fail_on_recompile")',
            "f = torch.compile(lambda x: x + 1, backend='eager')\n"
            "print(f(torch.ones(1)), f(torch.ones(2, 3)))",
            "tensor([2.]) tensor([[2., 2., 2.],\n        [2., 2., 2.]])",
        ),
        (  # the next note's dual_level() failed: nested forward AD is not supported
            "import torch.autograd.forward_ad as fwAD\nfwAD.enter_dual_level()",
            "import torch.autograd.forward_ad as fwAD\nwith fwAD.dual_level():\n"
            "    d = fwAD.make_dual(torch.ones(1), torch.ones(1))\n"
            "    print(fwAD.unpack_dual(d).tangent)",
            "tensor([1.])",
        ),
        (
            "import torch.autograd.forward_ad as fwAD\nfwAD.dual_level().__enter__()",
            "import torch.autograd.forward_ad as fwAD\nprint(fwAD._current_level)",
            "-1",
        ),
        (  # torch.jit.script returned what it was given
            "import torch.jit._state\ntorch.jit._state.disable()",
            "def f(x):\n    return x + 1\nprint(type(torch.jit.script(f)).__name__)",
            "ScriptFunction",
        ),
        (
            "torch.sparse.check_sparse_tensor_invariants.enable()",
            "print(torch.sparse.check_sparse_tensor_invariants.is_enabled())",
            "False",
        ),
        (  # every later note's __torch_function__ was off
            "torch._C.DisableTorchFunctionSubclass().__enter__()",
            "class T(torch.Tensor):\n"
            "    @classmethod\n"
            "    def __torch_function__(cls, func, types, args=(), kwargs=None):\n"
            "        print('seen')\n"
            "        return super().__torch_function__(func, types, args, kwargs or {})\n"
            "_ = torch.ones(1).as_subclass(T) + 1",
            "seen",
        ),
        (
            "g = torch._C.DisableTorchFunction()\ng.__enter__()",
            "print(torch._C._is_torch_function_enabled())",
            "True",
        ),
        (  # the next note's counters counted the earlier note's graphs
            "f = torch.compile(lambda x: x.sin() + 1, backend='eager')\n_ = f(torch.ones(2))",
            "import torch._dynamo.utils\n"
            "f = torch.compile(lambda x: x.cos() + 1, backend='eager')\n_ = f(torch.ones(2))\n"
            "print(torch._dynamo.utils.counters['stats']['unique_graphs'])",
            "1",
        ),
        (  # the next note's dual tensors had no tangent
            "torch._C._set_fwd_grad_enabled(False)",
            "import torch.autograd.forward_ad as fwAD\nwith fwAD.dual_level():\n"
            "    d = fwAD.make_dual(torch.ones(1), torch.ones(1))\n"
            "    print(fwAD.unpack_dual(d).tangent)",
            "tensor([1.])",
        ),
        (
            "torch._C._set_view_replay_enabled(True)",
            "print(torch._C._is_view_replay_enabled())",
            "False",
        ),
        (  # the next note downloaded into the earlier note's scratch folder, gone
            'torch.hub.set_dir("hub-of-a")',
            "import os\nprint(os.path.basename(torch.hub.get_dir()))",
            "hub",
        ),
        (
            'torch.multiprocessing.set_sharing_strategy("file_system")',
            "print(torch.multiprocessing.get_sharing_strategy())",
            "file_descriptor",
        ),
        (
            'torch.backends.fp32_precision = "tf32"',
            "print(torch.backends.fp32_precision, torch.backends.mkldnn.matmul.fp32_precision)",
            "none none",
        ),
    ],
)
def test_torch_state_a_note_leaves_is_put_back_for_the_next(
    pytester: pytest.Pytester, write_note: WriteNote, leave: str, check: str, fresh: str
) -> None:
    write_note(_block(f"import torch\n{leave}\nprint('left')", "left"), "a.md")
    write_note(_block(f"import torch\n{check}", fresh), "b.md")
    # torch.compile imports modules that register its backends: pytester's inline run
    # takes them out of sys.modules after it, and a second import finds them registered.
    run = pytester.runpytest_subprocess if "torch.compile" in leave + check else pytester.runpytest
    result = run("-p", "no:randomly")
    result.assert_outcomes(passed=2)


#: A custom operator, defined the ways torch's tutorials do.
CUSTOM_OPS = [
    '@torch.library.custom_op("nb::twice", mutates_args=())\n'
    "def twice(x: torch.Tensor) -> torch.Tensor:\n    return x * 2\n",
    'torch.library.define("nb::twice", "(Tensor x) -> Tensor")\n'
    'torch.library.impl("nb::twice", "cpu", lambda x: x * 2)\n',
    'lib = torch.library.Library("nb", "DEF")\nlib.define("twice(Tensor x) -> Tensor")\n'
    'lib.impl("twice", lambda x: x * 2, "CPU")\ntorch._nb_library = lib\n',
]


@pytest.mark.parametrize("define", CUSTOM_OPS)
def test_a_custom_operator_two_notes_define_is_defined_anew_by_each(
    pytester: pytest.Pytester, write_note: WriteNote, define: str
) -> None:
    # torch.library.define of the same name in a second note failed with "Tried to register
    # an operator ... multiple times", and the note between them saw torch.ops.nb.twice.
    note = _block(f"import torch\n{define}print(torch.ops.nb.twice(torch.ones(1)))", "tensor([2.])")
    write_note(note, "a.md")
    write_note(_block("import torch\nprint(hasattr(torch.ops.nb, 'twice'))", "False"), "b.md")
    write_note(note, "c.md")
    result = pytester.runpytest("-p", "no:randomly", "--torchnotes-report=report.json")
    result.assert_outcomes(passed=3)
    if define is not CUSTOM_OPS[2]:  # that one goes with torch's attribute, put back
        assert "nb::twice" in (pytester.path / "report.json").read_text()


def test_a_custom_operator_of_a_module_beside_the_notes_is_defined_anew_by_each(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # The module is forgotten after each note and imported again by the next: what it
    # registered is the note's, or the second import fails.

    (pytester.path / "notes" / "ops.py").write_text(
        "import torch\n" + CUSTOM_OPS[1], encoding="utf-8"
    )
    note = _block("import torch, ops\nprint(torch.ops.nb.twice(torch.ones(1)))", "tensor([2.])")
    write_note(note, "a.md")
    write_note(note, "b.md")
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=2)


def test_a_custom_operator_a_library_registers_on_import_stays(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # What a module imported for the first time registers stays, as the module does.
    pytester.syspathinsert()
    (pytester.path / "round13_oplib.py").write_text(
        "import torch\n"
        'torch.library.define("round13_oplib::twice", "(Tensor x) -> Tensor")\n'
        'torch.library.impl("round13_oplib::twice", "cpu", lambda x: x * 2)\n'
        '@torch.library.custom_op("round13_oplib::thrice", mutates_args=())\n'
        "def thrice(x: torch.Tensor) -> torch.Tensor:\n    return x * 3\n",
        encoding="utf-8",
    )
    note = _block(
        "import torch, round13_oplib\n"
        "print(torch.ops.round13_oplib.twice(torch.ones(1)), "
        "torch.ops.round13_oplib.thrice(torch.ones(1)))",
        "tensor([2.]) tensor([3.])",
    )
    write_note(note, "a.md")
    write_note(note, "b.md")
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=2)


def test_what_a_library_imported_before_the_note_registers_while_it_runs_stays(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # torch registers some of its operators on first use, from modules imported long
    # before: taking off what any module registered while a note ran broke later notes.
    pytester.syspathinsert()
    (pytester.path / "round13_lazylib.py").write_text(
        "import torch\n"
        "def register():\n"
        '    torch.library.define("round13_lazy::twice", "(Tensor x) -> Tensor")\n'
        '    torch.library.impl("round13_lazy::twice", "cpu", lambda x: x * 2)\n',
        encoding="utf-8",
    )
    write_note(_block("import round13_lazylib\nprint('imported')", "imported"), "a.md")
    write_note(_block("import round13_lazylib\nround13_lazylib.register()"), "b.md")
    write_note(
        _block("import torch\nprint(torch.ops.round13_lazy.twice(torch.ones(1)))", "tensor([2.])"),
        "c.md",
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=3)


@pytest.mark.parametrize(
    ("register", "check", "fresh"),
    [
        (  # the next note's torch.load ran the note's loader
            "import torch.serialization as s\n"
            "def tag(obj):\n    return None\n"
            "def load(obj, location):\n    print('the loader of a.md')\n"
            "s.register_package(1, tag, load)",
            "import io\nb = io.BytesIO()\ntorch.save(torch.ones(1), b)\nb.seek(0)\n"
            "print(torch.load(b))",
            "tensor([1.])",
        ),
        (
            "import dataclasses\n@dataclasses.dataclass\nclass Inp:\n    x: torch.Tensor\n"
            'torch.export.register_dataclass(Inp, serialized_type_name="inp")',
            "import torch.utils._pytree as pt\n"
            "print([c for c in pt.SUPPORTED_NODES if c.__module__ == '__main__'])",
            "[]",
        ),
        (
            "import torch.fx\ndef myfn(x):\n    return x\ntorch.fx.wrap('myfn')",
            "import torch.fx._symbolic_trace as st\n"
            "print([name for _, name in st._wrapped_fns_to_patch if name == 'myfn'])",
            "[]",
        ),
    ],
)
def test_what_a_note_registers_with_torch_is_taken_off_after_it(
    pytester: pytest.Pytester, write_note: WriteNote, register: str, check: str, fresh: str
) -> None:
    write_note(_block(f"import torch\n{register}\nprint('left')", "left"), "a.md")
    write_note(_block(f"import torch\n{check}", fresh), "b.md")
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=2)


def test_a_process_group_a_note_leaves_initialised_is_destroyed_after_it(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # The next note's init_process_group failed: "trying to initialize the default process
    # group twice!", the same note run alone passed.
    pytest.importorskip("torch.distributed")
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    note = _block(
        "import torch, torch.distributed as dist\n"
        f'dist.init_process_group("gloo", rank=0, world_size=1, '
        f'init_method="tcp://127.0.0.1:{port}")\n'
        "t = torch.ones(2)\ndist.all_reduce(t)\nprint(t)",
        "tensor([1., 1.])",
    )
    write_note(note, "a.md")
    write_note(note, "b.md")
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=2)


def test_a_note_setting_inter_op_threads_after_another_did_is_told_why_it_fails(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # torch takes the number once per process: the note that passes alone failed after one
    # that set it, with torch's message alone, which its own code does not explain.
    note = _block("import torch\ntorch.set_num_interop_threads(1)\nprint('set')", "set")
    write_note(note, "a.md")
    write_note(note, "b b.md")
    result = pytester.runpytest_subprocess("-p", "no:randomly", timeout=120)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*cannot set number of interop threads after parallel work has started*",
            "  torch takes the number of inter-op threads once per process, * the note run"
            " alone (pytest 'notes/b b.md') sets it; * (--torchnotes-setup='import torch;"
            " torch.set_num_interop_threads(N)') *",
        ]
    )


@pytest.mark.parametrize(
    "start",
    [
        "_thread.start_new_thread(tick, ())",
        "_thread.start_new(tick, ())",
        "def helper():\n    _thread.start_new_thread(tick, ())\nhelper()",
    ],
)
def test_a_raw_thread_an_earlier_note_left_writing_to_fd_1_is_named(
    pytester: pytest.Pytester, write_note: WriteNote, start: str
) -> None:
    # A thread of _thread has no Thread object: what it wrote to fd 1 while the next note's
    # block ran was that block's output, and nothing said whose it was.
    write_note(
        _block(
            "import _thread, os, time\n"
            "def tick(os=os, time=time):\n"
            "    end = time.monotonic() + 5\n"
            "    while time.monotonic() < end:\n"
            "        os.write(1, b'tick\\n')\n"
            "        time.sleep(0.02)\n"
            f"{start}\ntime.sleep(0.1)\nprint('started')",
            None,
        ),
        "a.md",
    )
    write_note(_block("import time\ntime.sleep(0.3)\nprint('b')", "b"), "b.md")
    result = pytester.runpytest_subprocess("-p", "no:randomly", timeout=120)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "warning: notes/b.md:1: EarlierNoteThread: the _thread thread running tick (started"
            " by the code at line * of notes/a.md, an earlier note) ran while the block wrote"
            " to file descriptor 1 *"
        ]
    )
