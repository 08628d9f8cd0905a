"""The attribute names a note's code may patch, read off its text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.run.patches import DYNAMIC_PATCH, AttributeGuard, patched_names

#: The one pattern the names were first read with, searched from every character: the
#: patterns of ``patches.py`` must find every name it finds.
ONE_PATTERN = re.compile(
    r"\w\.[ \t]*(?P<assigned>[A-Za-z_]\w*)[ \t]*(?:[-+*/%@&|^]|//|\*\*|>>|<<)?=(?!=)"
    r"|\b(?:setattr|delattr)\(\s*[^,()]+,\s*(?P<quote>['\"])(?P<named>\w+)(?P=quote)"
    r"|\bdel[ \t]+[\w.]+\.(?P<deleted>\w+)"
)


def by_one_pattern(code: str) -> set[str]:
    return {
        match.group("assigned") or match.group("named") or match.group("deleted")
        for match in ONE_PATTERN.finditer(code)
    }


@pytest.mark.parametrize(
    ("code", "names"),
    [
        ("torch.zeros = lambda *a: 0", {"zeros"}),
        ("np.pi += 1\nx.y //= 2\nm.w **= 3", {"pi", "y", "w"}),
        ("torch.  zeros = f", {"zeros"}),
        ("setattr(torch, \"zeros\", f)\ndelattr(np, 'pi')", {"zeros", "pi"}),
        ("del torch.Tensor.shout", {"shout"}),
        ("model = nn.Linear(2, 1)\nx == y.z\nprint(a.b)\nf(a.b=1)", {"b"}),
        ("modeldel a.b", set()),  # no word ``del``
        ("x = 1.5\ny = 2.e3\n", set()),
        ("", set()),
    ],
)
def test_names_a_note_patches(code: str, names: set[str]) -> None:
    assert patched_names(code) == frozenset(names)
    assert by_one_pattern(code) <= names


@pytest.mark.parametrize(
    "code",
    ["vars(torch)['zeros'] = f", "torch.__dict__['x'] = 1", "setattr(torch, name, f)"],
)
def test_patches_whose_names_cannot_be_read(code: str) -> None:
    assert patched_names(code) is None


PIECES = st.sampled_from(
    [
        "a",
        "b1",
        "_x",
        ".",
        " ",
        "\t",
        "\n",
        "=",
        "==",
        "+=",
        "//=",
        "**",
        "(",
        ")",
        ",",
        '"',
        "'",
        "del ",
        "setattr(",
        "delattr(",
        "model",
        "vars(",
        "__dict__",
        "1.5",
        "#",
    ]
)


@given(st.lists(PIECES, max_size=30).map("".join))
def test_every_name_the_one_pattern_finds_is_found(code: str) -> None:
    names = patched_names(code)
    assert (names is None) == bool(DYNAMIC_PATCH.search(code))
    if names is not None:
        assert by_one_pattern(code) <= names


def test_what_copyreg_caches_on_a_class_is_no_patch() -> None:
    # Pickling an instance caches __slotnames__ on its class: the report named it as an
    # attribute the note had patched and put back.
    import copyreg

    class Pickled:
        __slots__ = ("value",)

    guard = AttributeGuard([Pickled], None)
    copyreg._slotnames(Pickled)  # type: ignore[attr-defined]
    assert "__slotnames__" in vars(Pickled)
    assert guard.restore() == []


def test_a_class_attribute_set_through_a_computed_name_is_put_back() -> None:
    class Patched:
        value = 1

    guard = AttributeGuard([Patched], None)
    setattr(Patched, "val" + "ue", 2)
    assert guard.restore() == ["Patched.value"]
    assert Patched.value == 1
