/**
 * The twentieth round's binary artifacts: a value compressed as raw LZMA — no xz or .lzma container, no header, no magic
 * number — as liblzma's raw encoder writes it: `xz --format=raw` (LZMA2) at the default and at -9e, `xz --format=raw
 * --lzma1`, Python's lzma.FORMAT_RAW with FILTER_LZMA2 and FILTER_LZMA1 (an app caching its settings compressed), and
 * R's lazy-load databases, whose xz objects are raw LZMA2 after a length and a `Z` (`tools:::makeLazyLoadDB(compress =
 * 3)`, and a package installed with `LazyData: true` and `LazyDataCompression: xz`: its data/Rdata.rdb). Each is made by the real tool (xz 5.4, the distribution's python3, R 4.2).
 */
import type { Variant } from './variant-text.js';

/** The file's bytes must not hold the value (it is compressed), and the file must be there. */
const hidden = (file: string) => `\ntest -s "$OUT/${file}" && ! grep -rF "$S" "$OUT/${file}" > /dev/null`;

/** A settings file holding the value, 3,000 rows of filler after it. */
const SETTINGS = '{ printf "API_TOKEN=%s\\n" "$S"; seq 1 3000 | sed "s/^/row /"; } > in.txt';

/**
 * An R package holding the value in its data (`data/cfg.rda`), installed into lib/. (`R CMD INSTALL
 * --data-compress=xz` writes the same data/Rdata.rdb as `LazyDataCompression: xz`: made once, found alike, 10 s of CI saved.)
 */
const rPackage = (description: string) =>
  [
    'mkdir -p p/data p/R lib',
    `printf 'Package: cfgpkg\\nVersion: 0.1\\nTitle: t\\nDescription: d.\\nLicense: MIT\\nLazyData: true\\n${description}Author: a\\nMaintainer: a <a@b.c>\\n' > p/DESCRIPTION`,
    "echo 'f <- function() 1' > p/R/f.R",
    "echo 'export(f)' > p/NAMESPACE",
    `Rscript -e 'cfg <- list(token = readLines("secret", warn = FALSE), rows = as.character(1:3000)); save(cfg, file = "p/data/cfg.rda")'`,
    'R CMD INSTALL --no-test-load -l lib p > /dev/null 2>&1',
    'cp -r lib/cfgpkg "$OUT/"',
  ].join('\n');

const pyRaw = (filter: string, file: string) =>
  `/usr/bin/python3 -c "import lzma,os;s=open('secret').read();open(os.environ['OUT']+'/${file}','wb').write(lzma.compress(('token='+s+'\\n'+' '.join(map(str,range(3000)))).encode(),format=lzma.FORMAT_RAW,filters=[{'id':lzma.${filter}}]))"`;

export const r20Binary: Variant[] = [
  {
    id: 'xz-raw-lzma2',
    name: 'xz --format=raw (raw LZMA2: no container, no header)',
    realWorld: 'a data file a build step compressed with `xz --format=raw` (its reader knows the filter) shipped in the image',
    kind: 'token',
    script: `${SETTINGS}\nxz --format=raw -c in.txt > "$OUT/data.raw"${hidden('data.raw')}`,
    where: /xz-raw-lzma2\/data\.raw!/,
  },
  {
    id: 'xz-raw-lzma2-9e',
    name: 'xz --format=raw -9e (raw LZMA2, a 64 MiB dictionary unsaid)',
    realWorld: 'the same, at the strongest preset',
    kind: 'token',
    script: `${SETTINGS}\nxz --format=raw -9e -c in.txt > "$OUT/data.bin" 2> /dev/null${hidden('data.bin')}`,
    where: /xz-raw-lzma2-9e\/data\.bin!/,
  },
  {
    id: 'xz-raw-lzma1',
    name: 'xz --format=raw --lzma1 (raw LZMA1: the range coder from byte 0, properties unsaid)',
    realWorld: "a firmware or game asset packed with liblzma's raw LZMA1 encoder",
    kind: 'token',
    script: `${SETTINGS}\nxz --format=raw --lzma1 -c in.txt > "$OUT/data.lzma1"${hidden('data.lzma1')}`,
    where: /xz-raw-lzma1\/data\.lzma1!/,
  },
  {
    id: 'python-lzma-raw-lzma2',
    name: "Python's lzma.compress(format=FORMAT_RAW, filters=[FILTER_LZMA2])",
    realWorld: 'a Python service caching its settings compressed with raw LZMA2 under /var/cache',
    kind: 'token',
    script: `${pyRaw('FILTER_LZMA2', 'cache.bin')}${hidden('cache.bin')}`,
    where: /python-lzma-raw-lzma2\/cache\.bin!/,
  },
  {
    id: 'python-lzma-raw-lzma1',
    name: "Python's lzma.compress(format=FORMAT_RAW, filters=[FILTER_LZMA1])",
    realWorld: 'the same with raw LZMA1',
    kind: 'token',
    script: `${pyRaw('FILTER_LZMA1', 'cache.bin')}${hidden('cache.bin')}`,
    where: /python-lzma-raw-lzma1\/cache\.bin!/,
  },
  {
    id: 'r-makelazyloaddb-xz',
    name: 'tools:::makeLazyLoadDB(env, compress = 3): each object its length, `Z` and raw LZMA2',
    realWorld: "an R app's lazy-load cache of its settings (what R's own package installer writes for xz data)",
    kind: 'token',
    script: `Rscript -e 's <- readLines("secret", warn = FALSE); e <- new.env(); for (i in 1:4) assign(sprintf("o%d", i), paste(rep("filler", 300 * i), collapse = " "), envir = e); assign("cfg", list(token = s, rows = as.character(1:2000)), envir = e); tools:::makeLazyLoadDB(e, file.path(Sys.getenv("OUT"), "cfgdb"), compress = 3)' > /dev/null${hidden('cfgdb.rdb')}`,
    where: /r-makelazyloaddb-xz\/cfgdb\.rdb@\d+!/,
  },
  {
    id: 'r-package-lazydata-xz',
    name: 'an installed R package with LazyData: true and LazyDataCompression: xz (data/Rdata.rdb)',
    realWorld: 'a rocker-based image with an internal package whose data holds an API key',
    kind: 'token',
    script: `${rPackage('LazyDataCompression: xz\\n')}${hidden('cfgpkg')}`,
    where: /r-package-lazydata-xz\/cfgpkg\/data\/Rdata\.rdb@\d+!/,
  },
];
