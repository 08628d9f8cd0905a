"""The containers a note's code changes in place, read off its text: the dotted name
before a subscript written to or deleted, a method that changes a mapping, sequence or set,
or an augmented assignment (``aliases.aliases["x"] = 1``, ``del d[0]``, ``s.discard(f)``,
``kw.kwlist += [1]``). An attribute reached by a name written out in a string is read as
written with a dot: ``getattr(encodings.aliases, "aliases")["x"] = 1``,
``vars(keyword)["kwlist"].append("x")``, ``keyword.__dict__["kwlist"] += ["x"]``.
"""

from __future__ import annotations

import re

from pytest_torchnotes.run import classattrs

#: The end of a subscript written to: ``] = ``, ``] += ``. The search starts at the
#: bracket; the target is read back from it (:func:`_before_subscript`).
SUBSCRIPT_WRITTEN = re.compile(r"\][ \t]*(?:[-+*/%@&|^]|//|\*\*|>>|<<)?=(?!=)")

#: A subscript deleted: ``del d[k]``.
SUBSCRIPT_DELETED = re.compile(r"del(?<=\bdel)[ \t]+(?P<target>[A-Za-z_][\w.]*)[ \t]*\[")

#: A method that changes a mapping, sequence or set in place, called on a dotted name.
MUTATING_CALL = re.compile(
    r"\.(?<=\w\.)(?:update|pop|popitem|setdefault|clear|append|extend|insert|remove|add"
    r"|discard|sort|reverse|appendleft|extendleft|difference_update|intersection_update"
    r"|symmetric_difference_update|__setitem__|__delitem__)\("
)

#: An augmented assignment, which changes a list or set in place: ``keyword.kwlist +=
#: ["x"]``, ``os.supports_fd -= {os.stat}``.
AUGMENTED = re.compile(r"[-+&|^]=(?!=)")

#: How far back from a match its target is looked for.
TARGET_REACH = 120

#: An attribute reached by a name written out: ``getattr(m, "a")``, ``vars(m)["a"]``,
#: ``m.__dict__["a"]``, read as ``m.a``; and ``vars(m)`` itself, read as ``m.__dict__``
#: (:func:`spelled_out`).
SPELLED_OUT = re.compile(
    r"\bgetattr\([ \t]*(?P<owner>[A-Za-z_][\w.]*)[ \t]*,[ \t]*(?P<q>['\"])(?P<name>\w+)(?P=q)"
    r"[ \t]*\)"
    r"|\bvars\([ \t]*(?P<vars>[A-Za-z_][\w.]*)[ \t]*\)[ \t]*\[[ \t]*(?P<vq>['\"])(?P<vname>\w+)"
    r"(?P=vq)[ \t]*\]"
    r"|(?P<dict>[A-Za-z_][\w.]*)\.__dict__[ \t]*\[[ \t]*(?P<dq>['\"])(?P<dname>\w+)(?P=dq)[ \t]*\]"
    r"|\bvars\([ \t]*(?P<whole>[A-Za-z_][\w.]*)[ \t]*\)"
)

#: Text that :data:`SPELLED_OUT` cannot match without.
SPELLED_WORDS = ("getattr(", "vars(", "__dict__")


def spelled_out(code: str) -> str:
    """``code`` with each attribute reached by a name written out read as a dotted name.

    >>> spelled_out('getattr(a.b, "c")["x"] = 1\\nvars(k)["l"].append(2)\\nm.__dict__["n"] += [3]')
    'a.b.c["x"] = 1\\nk.l.append(2)\\nm.n += [3]'
    >>> spelled_out("vars(r.a).update(x=5)")
    'r.a.__dict__.update(x=5)'
    """
    if not any(word in code for word in SPELLED_WORDS):
        return code
    return SPELLED_OUT.sub(_dotted, code)


def _dotted(match: re.Match[str]) -> str:
    if match.group("whole"):
        return f"{match.group('whole')}.__dict__"
    owner = match.group("owner") or match.group("vars") or match.group("dict")
    name = match.group("name") or match.group("vname") or match.group("dname")
    return f"{owner}.{name}"


def changed_targets(code: str) -> frozenset[str]:
    """The dotted names whose contents ``code`` may change in place.

    >>> sorted(changed_targets('aliases.aliases["x"] = 1\\ndel d[0]\\nkw.kwlist += [1]\\n'
    ...                        'os.supports_fd.discard(f)\\nx == y[0]\\nprint(t[0])'))
    ['aliases.aliases', 'd', 'kw.kwlist', 'os.supports_fd']
    """
    targets = {_before_subscript(code, match.start()) for match in SUBSCRIPT_WRITTEN.finditer(code)}
    targets.update(match.group("target") for match in SUBSCRIPT_DELETED.finditer(code))
    targets.update(name_before(code, match.start()) for match in MUTATING_CALL.finditer(code))
    targets.update(name_before(code, match.start()) for match in AUGMENTED.finditer(code))
    return frozenset(
        target for target in targets if target and target[0] not in classattrs.NOT_FIRST
    )


def _before_subscript(code: str, close: int) -> str:
    """The dotted name before the bracket that the bracket at ``close`` closes, on its
    line and within :data:`TARGET_REACH` (a line of many subscripts is read in linear
    time)."""
    depth = 0
    start = max(code.rfind("\n", 0, close) + 1, close - TARGET_REACH)
    for at in range(close, start - 1, -1):
        depth += _BRACKETS.get(code[at], 0)
        if depth == 0:
            return name_before(code, at)
    return ""


_BRACKETS = {"]": 1, "[": -1}


def name_before(code: str, end: int) -> str:
    before = code[max(0, end - TARGET_REACH) : end].rstrip(" \t")
    return before[len(before.rstrip(classattrs.DOTTED)) :].strip(".")
