"""The one loader of the books: the ledger folder is data, never code.

Every command, `fundtrail serve` (Fava) and the importers load the books through `load(ledger)`.
It parses the files with beancount's parser and runs beancount's booking, plugins and validation
itself, under a policy:

- plugins: only beancount's own (`beancount.plugins.*`, `beancount.ops.*`), fundtrail's
  (`fundtrail.plugins.*`) and the modules a county lists by name in its settings file outside
  the ledger folder, `~/.config/fundtrail/plugins.toml` (`$XDG_CONFIG_HOME` if set):

      plugins = ["county_checks.plugin"]
      fava_extensions = ["county_checks.fava"]

  Any other `plugin` line is an error naming the file and line, and its module is not imported.
  A plugin's configuration string that is a Python expression but not a literal is refused the
  same way (beancount's check_commodity, check_average_cost and commodity_attr `eval` theirs:
  `"__import__('os').system(...)"` would run); a literal (`"{'a': 1}"`) or plain text
  (`"Equity:Trading"`) passes. fundtrail's own plugins read theirs with `ast.literal_eval`
  and report a bad one themselves;
- `option "insert_pythonpath"` is refused (the ledger folder never goes on the import path) and
  `option "plugin_processing_mode" "raw"` too (it would switch off beancount's pad and balance
  checks); each is an error naming the file and line;
- main.beancount itself may not be a symbolic link to a file in another folder (its text
  would show in the errors, and that folder would become the workspace);
- `include` takes only files inside the workspace (the folder of main.beancount, symbolic links
  resolved); an include that leads outside is an error naming the file and line, the file is
  not read;
- an entry's place (`filename`, `lineno` metadata) is where the parser found it: the same keys
  written in the books are an error and put back (Fava reads and writes an entry's source there);
- `option "documents"` takes only folders inside the workspace (beancount walks each on every
  load); another is an error naming the file and line, and is not read;
- beancount's pickle cache (`.main.beancount.picklecache`) is never read nor written: a cache
  planted in the workspace would run code when unpickled and could answer with books that were
  never checked. A cache left there is left alone (nothing is deleted).

An ordinary `load(ledger)` of books that have not changed since the last load takes that load
from the cache of the loaded books (fundtrail.bookcache); `load(ledger, trust_caches=False)`
(`fundtrail seal`) and `load_to_verify` never read it.

`load(ledger, trust_caches=False)` (`fundtrail seal`) is the same load with the seal plugin's
memory (fundtrail.sealcache) switched off. `load_to_verify(ledger)` (`fundtrail verify`) runs no
plugin the ledger names except beancount's own; verify runs the seal check itself.
"""

from __future__ import annotations

import ast
import contextlib
import glob
import importlib
import os
import re
import sys
import tomllib
from pathlib import Path
from typing import NamedTuple

from beancount import loader
from beancount.core import data
from beancount.ops import validation
from beancount.parser import booking, parser
from beancount.parser import options as bc_options

from fundtrail import bookcache, keys, sealcache

BEANCOUNT_PREFIXES = ("beancount.plugins.", "beancount.ops.")
FUNDTRAIL_PREFIXES = ("fundtrail.plugins.",)
SETTINGS_FILE = "plugins.toml"


class LoadRefused(NamedTuple):
    """A plugin, option or include the loading policy refused (shaped like beancount's errors)."""

    source: dict
    message: str
    entry: object


def settings_path() -> Path:
    """The county's allow-list file, in the OS user's config folder (never in the workspace)."""
    return keys.config_folder() / SETTINGS_FILE


def shown_settings_path() -> str:
    """The allow-list file as a message names it: `~/.config/fundtrail/…` under the user's home
    folder (a message is shown on Fava's errors page), else its full path."""
    path = settings_path()
    with contextlib.suppress(RuntimeError, ValueError):
        return "~/" + path.relative_to(Path.home()).as_posix()
    return str(path)


def county_allowed() -> tuple[frozenset[str], frozenset[str], list[LoadRefused]]:
    """(plugins, Fava extensions, errors) the county's settings file adds to the allow-list."""
    path = settings_path()
    if not path.is_file():
        return frozenset(), frozenset(), []
    try:
        settings = tomllib.loads(path.read_text("utf-8"))
        plugins, extensions = settings.get("plugins", []), settings.get("fava_extensions", [])
        if not all(isinstance(v, list) and all(isinstance(n, str) for n in v)
                   for v in (plugins, extensions)):
            raise ValueError("plugins / fava_extensions must be lists of module names")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError) as error:
        return frozenset(), frozenset(), [LoadRefused(
            {"filename": str(path), "lineno": 0},
            f"插件允许列表文件无法读取，未采用：{error}", None)]
    return frozenset(plugins), frozenset(extensions), []


_MODULE = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")


def plugin_allowed(name: str, county: frozenset[str] = frozenset()) -> bool:
    return bool(_MODULE.fullmatch(name)) and (
        name.startswith(BEANCOUNT_PREFIXES + FUNDTRAIL_PREFIXES) or name in county)


def config_is_code(config) -> bool:
    """Whether a plugin's configuration string is Python code a plugin's `eval` would run: it
    parses as an expression (as `eval` reads it, leading blanks dropped) but is not a literal."""
    if not isinstance(config, str) or not config.strip():
        return False
    try:
        tree = ast.parse(config.lstrip(" \t"), mode="eval")
    except (SyntaxError, ValueError):
        return False  # not Python: `eval` would fail too
    except (MemoryError, RecursionError):
        return True
    try:
        ast.literal_eval(tree)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return True
    return False


def load(ledger, trust_caches: bool = True):
    """(entries, errors, options) of the ledger, under the loading policy (module doc)."""
    refused = _linked_out(ledger)
    if refused is not None:
        return refused
    path = Path(ledger).resolve()
    if not trust_caches:
        with sealcache.distrusted():
            return _load(path, ledger_plugins=True)
    # unchanged books from the cache of the loaded books (fundtrail.bookcache: plain data with a
    # keyed MAC, keyed by the content of every file the load reads)
    return bookcache.load(path, lambda: _load(path, ledger_plugins=True), also=(settings_path(),))


def kept_verdict(ledger):
    """What the last load of unchanged books found (errors, options, findings), from the cache of
    the loaded books without loading them (fundtrail.bookcache.verdict); None: load them."""
    if _linked_out(ledger) is not None:
        return None
    return bookcache.verdict(Path(ledger).resolve(), also=(settings_path(),))


def load_to_verify(ledger):
    """(entries, errors, options) for `fundtrail verify`: the files read afresh, beancount's own
    checks (pad, balance, validation) run, no plugin the ledger names except beancount's own."""
    refused = _linked_out(ledger)
    if refused is not None:
        return refused
    with sealcache.distrusted():
        return _load(Path(ledger).resolve(), ledger_plugins=False)


def _linked_out(ledger):
    """The load's answer when main.beancount is a symbolic link to a file in another folder
    (nothing read, one error naming it); None when it is not."""
    named = Path(ledger).absolute()
    path = named.resolve()
    if path.parent == named.parent.resolve():
        return None
    options = bc_options.OPTIONS_DEFAULTS.copy()
    options.update(filename=str(named), include=[], input_hash="")
    return [], [LoadRefused(
        {"filename": str(named), "lineno": 0},
        f"拒绝读取账簿：{named.name} 是指向其所在目录以外的文件“{path.name}”的符号链接，未被读取", None)], options


def _load(path: Path, ledger_plugins: bool):
    root = path.parent
    county, _extensions, errors = county_allowed()
    entries, parse_errors, options = _parse(path, root)
    errors += parse_errors + _confine_documents(options, path, root)
    entries.sort(key=data.entry_sortkey)
    entries, booking_errors = booking.book(entries, options)
    errors += booking_errors
    plugins = []
    for name, config in options["plugin"]:
        if not plugin_allowed(name, county):
            errors.append(_refused_plugin(path, name))
        elif config_is_code(config) and not name.startswith(FUNDTRAIL_PREFIXES):  # ours literal_eval
            errors.append(_refused_config(path, name))
        elif ledger_plugins or name.startswith(BEANCOUNT_PREFIXES):
            plugins.append((name, config))
    options["plugin"] = plugins
    options["pythonpath"] = []
    options["plugin_processing_mode"] = "default"
    for name, config in list(plugins):
        if not preimport(name, root):  # beancount would import it with the working directory on the path
            plugins.remove((name, config))
            errors.append(_unimportable(path, name))
    entries, errors = loader.run_transformations(entries, errors, options, None)
    errors += validation.validate(entries, options, None, None)
    options["input_hash"] = loader.compute_input_hash(options["include"])
    return entries, errors, options


def preimport(name: str, root: Path) -> bool:
    """Import an allowed module with the workspace and the working directory off the import
    path, so a file of the same name in the ledger folder can never stand in for it; whether it
    imported. A module that does not import this way must not be run at all: beancount (or
    Fava, which puts the ledger folder on the path) would try again and find the planted file."""
    if name in sys.modules:
        return True
    here = {str(Path(root).resolve()), "", ".", os.getcwd()}
    saved = list(sys.path)
    sys.path[:] = [p for p in saved if p not in here
                   and not _resolved(p).is_relative_to(Path(root).resolve())]
    try:
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    finally:
        sys.path[:] = saved
    return name in sys.modules


def _resolved(entry: str) -> Path:
    try:
        return Path(entry or ".").resolve()
    except (OSError, RuntimeError):
        return Path(entry)


def _parse(path: Path, root: Path):
    """beancount's recursive parse (loader._parse_recursive), with every include confined to
    the workspace: (entries, errors, options)."""
    entries, errors, others = [], [], []
    options = None
    stack, seen = [str(path)], set()
    while stack:
        filename = os.path.normpath(stack.pop(0))
        if filename in seen:
            errors.append(loader.LoadError(data.new_metadata("<load>", 0),
                                           f'Duplicate filename parsed: "{filename}"'))
            continue
        if not os.path.exists(filename):
            errors.append(loader.LoadError(data.new_metadata("<load>", 0),
                                           f'File "{filename}" does not exist'))
            continue
        seen.add(filename)
        file_entries, file_errors, file_options = parser.parse_file(filename)
        entries += file_entries
        errors += file_errors + _written_positions(file_entries, filename)
        if options is None:
            options = file_options
        else:
            others.append(file_options)
        cwd = os.path.dirname(filename)
        for pattern in file_options["include"]:
            search = pattern if os.path.isabs(pattern) else os.path.join(cwd, pattern)
            fixed = _fixed_part(search)
            if not _resolved(fixed).is_relative_to(root):
                errors.append(_outside(filename, pattern, root))  # before any walk
                continue
            if "**" in search and _linked_folder(fixed):
                errors.append(LoadRefused(
                    _where(filename, _INCLUDE, pattern),
                    f'拒绝包含 "{pattern}"：其下的目录含有符号链接，"**" 会沿链接遍历（可能是整台机器或无限循环），'
                    '请写出具体的文件', None))
                continue
            matched = glob.glob(search, recursive=True)
            if not matched:
                errors.append(loader.LoadError(
                    _where(filename, _INCLUDE, pattern),
                    f'包含的文件不存在："{pattern}"'))
                continue
            for name in matched:
                full = os.path.normpath(os.path.join(cwd, name))
                if not _resolved(full).is_relative_to(root):
                    errors.append(_outside(filename, pattern, root))
                    continue
                if not os.path.isfile(full):
                    errors.append(loader.LoadError(
                        _where(filename, _INCLUDE, pattern),
                        f'包含的不是账簿文件："{pattern}" 指向 {name}，不是文件'))
                    continue
                stack.append(full)
    if options is None:
        options = bc_options.OPTIONS_DEFAULTS.copy()
    options["include"] = sorted(seen)
    options = loader.aggregate_options_map(options, others)
    errors += _refused_options(options, others, path)
    return entries, errors, options


def _written_positions(entries, filename: str) -> list[LoadRefused]:
    """Entries whose `filename` or `lineno` metadata was written in the books (beancount lets it
    replace where the parser found the entry): put back where the parser found them (a line
    number that was replaced is lost: 0, which Fava treats as an entry it cannot edit), each an
    error. Fava reads and writes an entry's source at that place, and the seal memory takes its
    text from there: a planted `filename: "/home/…/.bashrc"` would be written by an edit in
    Fava."""
    errors = []
    for entry in [e for e in entries if e.meta["filename"] != filename
                  or e.meta["lineno"].__class__ is not int]:
        meta = entry.meta
        meta["filename"] = filename
        if type(meta["lineno"]) is not int:
            meta["lineno"] = 0
        errors.append(LoadRefused(
            {"filename": filename, "lineno": meta["lineno"]},
            "拒绝元数据 filename / lineno：分录的文件和行号由解析器记录，账簿中写的已忽略", entry))
    return errors


def _confine_documents(options, path: Path, root: Path) -> list[LoadRefused]:
    """`option "documents"` folders outside the workspace dropped, each an error naming the file
    and line: beancount walks every documents folder on every load (`"/"` walked the whole
    machine, minutes on each command) and makes a document entry of each file it finds."""
    kept, errors = [], []
    for folder in options.get("documents", []):
        if _resolved(os.path.join(root, folder)).is_relative_to(root):
            kept.append(folder)
            continue
        errors.append(LoadRefused(
            _where(path, r'^\s*option\s+"documents"\s+"{}"', folder),
            f'拒绝工作区以外的凭证目录 "{folder}"：只能是 {root.name}/ 目录内的目录，未被读取', None))
    options["documents"] = kept
    return errors


def _fixed_part(search: str) -> str:
    """The folder an include pattern's glob would walk from: its path up to the first part with
    a wildcard (`/**/*.beancount` walks the whole machine)."""
    parts = search.split(os.sep)
    for number, part in enumerate(parts):
        if glob.has_magic(part):
            return os.sep.join(parts[:number]) or os.sep
    return search


def _linked_folder(folder: str) -> bool:
    """Whether a folder below `folder` is a symbolic link: a `**` pattern's glob follows it (a
    link to / walks the whole machine, two links to `.` branch without end)."""
    return any(os.path.islink(os.path.join(here, name))
               for here, folders, _files in os.walk(folder) for name in folders)


def _outside(filename, pattern: str, root: Path) -> LoadRefused:
    return LoadRefused(
        _where(filename, _INCLUDE, pattern),
        f'拒绝包含工作区以外的文件 "{pattern}"：只能包含 {root.name}/ 目录内的账簿文件，该文件未被读取', None)


_INCLUDE = r'^\s*include\s+"{}"'
_PLUGIN = r'^\s*plugin\s+"{}"'
_OPTION = r'^\s*option\s+"{}"'


def _where(filename, pattern: str, value: str) -> dict:
    """The file and line of a directive (the parser keeps none for include, plugin, option)."""
    wanted = re.compile(pattern.format(re.escape(value)))
    with contextlib.suppress(OSError, UnicodeDecodeError), open(filename, encoding="utf-8") as file:
        for number, line in enumerate(file, 1):
            if wanted.match(line):
                return {"filename": str(filename), "lineno": number}
    return {"filename": str(filename), "lineno": 0}


def _in_files(files, pattern: str, value: str) -> dict:
    for filename in files:
        where = _where(filename, pattern, value)
        if where["lineno"]:
            return where
    return {"filename": str(files[0]), "lineno": 0}


def _refused_options(options, others, path: Path) -> list[LoadRefused]:
    """insert_pythonpath in any file, plugin_processing_mode "raw" in main.beancount."""
    files = [path] + [Path(o["filename"]) for o in others if o.get("filename")]
    refused = [name for name, value in (
        ("insert_pythonpath", any(o.get("insert_pythonpath") for o in [options, *others])),
        ("plugin_processing_mode", options.get("plugin_processing_mode") == "raw")) if value]
    errors = []
    for name in refused:
        if name == "insert_pythonpath":
            message = "拒绝选项 insert_pythonpath：账簿目录中的代码不会被运行，插件只能是已安装的模块"
        else:
            message = '拒绝选项 plugin_processing_mode "raw"：补差与余额断言检查不能关闭'
        errors.append(LoadRefused(_in_files(files, _OPTION, name), message, None))
    return errors


def _refused_plugin(path: Path, name: str) -> LoadRefused:
    return LoadRefused(
        _where(path, _PLUGIN, name),
        f'拒绝运行插件 "{name}"：不在允许列表中，未被加载（允许 beancount.plugins.*、beancount.ops.*、'
        f"fundtrail.plugins.* 及县级设置 {shown_settings_path()} 中列出的模块）", None)


def _refused_config(path: Path, name: str) -> LoadRefused:
    return LoadRefused(
        _where(path, _PLUGIN, name),
        f'拒绝运行插件 "{name}"：其配置是 Python 代码而不是字面值（只能写数字、文字、列表、字典），未被运行', None)


def _unimportable(path: Path, name: str):
    return loader.LoadError(
        _where(path, _PLUGIN, name),
        f'插件 "{name}" 无法从已安装的模块导入，未被运行（账簿目录中的同名文件不会被使用）', None)
