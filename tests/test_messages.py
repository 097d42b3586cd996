"""One message helper: whatever goes into a one-line message from outside (a path, a value read from a
file, a dependency's exception) is made one line by ``tinyscore.errors`` (``one_line``, ``shown``,
``brief``), and by nothing else.

Oracles: the rules of the docstrings applied by hand to chosen texts (whitespace, control characters,
a cut at the limit, an exception without a message); and a source scan, shown first to find planted
copies, for any other code that flattens text into a line or escapes characters that do not print."""
import ast
from pathlib import Path

import pytest

from tinyscore.errors import brief, one_line, shown

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT / "cli.py", *sorted((ROOT / "tinyscore").rglob("*.py")), *sorted((ROOT / "kernels").rglob("*.py"))]


@pytest.mark.parametrize("text, want", [
    ("plain", "plain"),
    ("  two\n lines\t and\r\nmore  ", "two lines and more"),
    ("escape \x1b[31m red \x00 nul", "escape \\x1b[31m red \\x00 nul"),
    ("caf\u00e9 \u4e2d", "caf\u00e9 \u4e2d"),                            # letters of every script print
    ("line\u2028separator", "line separator"),                         # Unicode whitespace is whitespace
])
def test_one_line_collapses_whitespace_and_escapes_the_rest(text, want):
    assert one_line(text) == want


def test_one_line_cuts_at_the_limit():
    assert one_line("x" * 200) == "x" * 200
    assert one_line("x" * 201) == "x" * 197 + "..."
    assert one_line("abcdefghij", 8) == "abcde..." and len(one_line("abcdefghij", 8)) == 8
    assert one_line("y" * 10_000, None) == "y" * 10_000
    assert one_line("\x1b" * 100, 10) == "\\x1b\\x1..."          # the cut counts what is shown


def test_one_line_of_an_exception():
    assert one_line(ValueError("bad\n  value")) == "bad value"
    assert one_line(KeyError()) == "KeyError" and one_line(OSError("")) == "OSError"
    assert one_line("") == ""                                       # a text, unlike an exception, may be empty


def test_shown_and_brief():
    assert shown("a\nb\tc") == "a\\nb\\tc" and shown(3) == "3"
    assert brief("x") == "'x'" and brief(["a\x1b"]) == "['a\\x1b']"
    assert brief("z" * 100) == repr("z" * 100)[:57] + "..." and len(brief("z" * 100)) == 60


def _flatteners(tree) -> list[int]:
    """Lines that make text one line by hand: ``" ".join(x.split())``, ``re.sub(r"\\s+", ...)``, or a test
    of ``isprintable``."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            f = node.func
            joins_split = (f.attr == "join" and isinstance(f.value, ast.Constant) and f.value.value == " "
                           and node.args and isinstance(node.args[0], ast.Call)
                           and getattr(node.args[0].func, "attr", None) == "split" and not node.args[0].args)
            subs_space = (f.attr == "sub" and node.args and isinstance(node.args[0], ast.Constant)
                          and node.args[0].value in (r"\s+", r"\s"))
            if joins_split or subs_space:
                lines.append(node.lineno)
        elif isinstance(node, ast.Attribute) and node.attr == "isprintable":
            lines.append(node.lineno)
    return lines


def test_the_scan_finds_planted_helpers():
    planted = '''
def _one_line(e):
    return " ".join(str(e).split())
def clean(t):
    return re.sub(r"\\s+", " ", t)
def shown(p):
    return "".join(c if c.isprintable() else "?" for c in p)
words = " ".join(names)
'''
    assert _flatteners(ast.parse(planted)) == [3, 5, 7]


def test_no_other_module_makes_its_own_one_line():
    found = [f"{p.relative_to(ROOT)} line {line}" for p in SOURCES if p != ROOT / "tinyscore" / "errors.py"
             for line in _flatteners(ast.parse(p.read_text(encoding="utf-8")))]
    assert not found, "text made one line by hand (use tinyscore.errors.one_line / shown / brief): " + ", ".join(found)
