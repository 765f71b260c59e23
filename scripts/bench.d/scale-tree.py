#!/usr/bin/env python3
"""The input of `scripts/bench scale`: MDN's German tree under eight locale folders.

    scripts/bench.d/scale-tree.py CORPUS_FILES DESTINATION

CORPUS_FILES is MDN's `files` folder (`de/`, `sidebars/`, `jsondata/`). DESTINATION is made
(replaced if it exists) as an erratum content root holding `sidebars/`, `jsondata/`, `de/`
as it is, and `es/`, `fr/`, `ja/`, `ko/`, `pt-br/`, `ru/`, `zh-cn/`: copies of `de/` whose
root-relative links to `/de/docs/…`, in the pages and in `_redirects.txt` (sources and
targets), point to `/<locale>/docs/…` (`/pt-BR/docs/…`, `/zh-CN/docs/…`, as MDN writes the
tags in URLs), so each copy links within itself as the German tree does. Front matter slugs
carry no locale and stay. Absolute URLs (`https://developer.mozilla.org/de/docs/…`) stay.

The tree is written beside DESTINATION and renamed into place at the end, so an interrupted
run leaves no half tree. Python 3, standard library only; one process, so that it leaves the
machine's other core alone.
"""
import os
import re
import shutil
import sys
import time

# Folder name -> the tag in URLs; MDN's translated locales. The German copy stays as it is.
LOCALES = {
    "de": "de",
    "es": "es",
    "fr": "fr",
    "ja": "ja",
    "ko": "ko",
    "pt-br": "pt-BR",
    "ru": "ru",
    "zh-cn": "zh-CN",
}

# A root-relative link: `/de/docs/` not inside a longer path or URL (`(`, `"`, a tab, a line
# start before it; not `…mozilla.org/de/docs/`).
LINK = re.compile(rb"(?<![\w./:-])/de/docs/")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[2].strip())
    corpus, destination = sys.argv[1], sys.argv[2].rstrip("/")
    german = os.path.join(corpus, "de")
    if not os.path.isdir(german):
        sys.exit(f"scale-tree: no German tree at {german}")
    started = time.monotonic()
    partial = destination + ".partial"
    shutil.rmtree(partial, ignore_errors=True)
    os.makedirs(partial)
    for extra in ("sidebars", "jsondata"):
        # Plain copies: the corpus may be read-only, and its modes would make the tree so too.
        for folder, _, names in os.walk(os.path.join(corpus, extra)):
            target = os.path.join(partial, extra, os.path.relpath(folder, os.path.join(corpus, extra)))
            os.makedirs(target, exist_ok=True)
            for name in names:
                shutil.copyfile(os.path.join(folder, name), os.path.join(target, name))

    prefixes = {folder: f"/{tag}/docs/".encode() for folder, tag in LOCALES.items()}
    roots = {folder: os.path.join(partial, folder) for folder in LOCALES}
    docs = links = files = 0
    for folder, _, names in os.walk(german):
        relative = os.path.relpath(folder, german)
        targets = {locale: os.path.normpath(os.path.join(root, relative)) for locale, root in roots.items()}
        for target in targets.values():
            os.makedirs(target, exist_ok=True)
        for name in names:
            with open(os.path.join(folder, name), "rb") as source:
                data = source.read()
            parts = LINK.split(data)
            links += len(parts) - 1
            files += 1
            docs += name == "index.md"
            for locale, target in targets.items():
                with open(os.path.join(target, name), "wb") as copy:
                    copy.write(prefixes[locale].join(parts))

    shutil.rmtree(destination, ignore_errors=True)
    os.rename(partial, destination)
    seconds = time.monotonic() - started
    print(f"scale-tree: {len(LOCALES)} locales × {docs} docs = {len(LOCALES) * docs} docs "
          f"({files} files and {links} root-relative /de/docs/ links per locale) in {seconds:.1f} s",
          file=sys.stderr)


if __name__ == "__main__":
    main()
