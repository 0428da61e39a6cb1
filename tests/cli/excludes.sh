# Excludes with restic's semantics (issue 14), each form on a real tree:
# what the snapshot holds after `backup` with that option. The reported case
# first: --exclude 'small/cache' matched nothing where restic excludes it.
# Then --files-from*, and a missing path: skipped with a warning and exit 3;
# all missing is one sentence and an error.
source "$GB_TESTS/tools/cli_lib.sh"
init_repo
T=$W/tree
mkdir -p "$T/small/cache/deep" "$T/big/small/cache" "$T/docs/Photos" "$T/home/u/Documents" "$T/home/u/Videos" \
  "$T/var/cache/app" "$T/proj/node_modules/x" "$T/tagged" "$T/fake-cache" "$T/a/foo/x/y/bar"
for f in small/cache/deep/f small/cachet big/small/cache/f docs/a.tmp docs/keep.log docs/other.log docs/Photos/IMG.JPG \
  docs/Photos/img2.jpg home/u/Documents/letter home/u/Videos/film var/cache/app/blob proj/node_modules/x/i.js proj/main.c \
  tagged/junk fake-cache/kept a/foo/x/y/bar/deep 'docs/$literal' 'docs/a[1]'; do
  echo "$f" > "$T/$f"
done
printf 'Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag.\n' > "$T/var/cache/CACHEDIR.TAG"
printf 'Signature: not the right one\n' > "$T/fake-cache/CACHEDIR.TAG"
: > "$T/tagged/.nobackup"
head -c 2048 /dev/zero > "$T/docs/two-k"
head -c 2049 /dev/zero > "$T/docs/over-two-k"

# backup_with OPTION...: back up the tree with those options; the snapshot's paths, relative, in $W/got.
n=0
backup_with() {
  n=$((n + 1))
  gb backup "$T" --host "h$n" --quiet "$@" 2> "$W/b.err" || { cat "$W/b.err" >&2; fail "backup $* failed"; }
  gb ls latest --host "h$n" > "$W/ls.txt"
  sed -n "s|^.*$T/||p" "$W/ls.txt" | sort > "$W/got"
}
has() { grep -qxF "$1" "$W/got" || { cat "$W/got" >&2; fail "$2: $1 is missing from the snapshot"; }; }
lacks() { if grep -qxF "$1" "$W/got"; then fail "$2: $1 was backed up"; fi; }

backup_with
has small/cache/deep/f "no excludes"
has var/cache/app/blob "no excludes"

backup_with --exclude 'small/cache'
lacks small/cache "--exclude small/cache (at any depth)"; lacks small/cache/deep/f "--exclude small/cache"
lacks big/small/cache "--exclude small/cache (deeper)"; has small/cachet "--exclude small/cache (a whole name, not a prefix)"
has small "--exclude small/cache"
pass "--exclude 'small/cache' leaves out */small/cache at any depth, as restic"

backup_with --exclude '*.tmp' --exclude node_modules
lacks docs/a.tmp "--exclude *.tmp"; lacks proj/node_modules "--exclude node_modules"; has proj/main.c "--exclude node_modules"
pass "a name or a wildcard matches one component anywhere"

backup_with --exclude "$T/small"
lacks small/cachet "--exclude /abs (anchored)"; has big/small/cache/f "--exclude /abs (anchored at the root, not any depth)"
pass "a leading '/' anchors the pattern at the root"

backup_with --exclude 'foo/**/bar'
lacks a/foo/x/y/bar "foo/**/bar"; has a/foo/x/y "foo/**/bar"
pass "'**' matches any number of directories"

backup_with --exclude 'a\[1\]'
lacks 'docs/a[1]' "an escaped '['"; has docs/a.tmp "an escaped '['"
pass "a backslash makes a wildcard character literal"

backup_with --iexclude '*.jpg'
lacks docs/Photos/IMG.JPG "--iexclude *.jpg"; lacks docs/Photos/img2.jpg "--iexclude *.jpg"
backup_with --exclude '*.jpg'
has docs/Photos/IMG.JPG "--exclude *.jpg (case matters)"; lacks docs/Photos/img2.jpg "--exclude *.jpg"
pass "--iexclude ignores case, --exclude does not"

export GB_EXCL_HOME=$T/home/u
cat > "$W/excl" <<'LIST'
# comments and blank lines are ignored; $VAR is expanded, $$ is a '$'

$GB_EXCL_HOME/*
!$GB_EXCL_HOME/Documents
  *.log  
!keep.log
$$literal
LIST
backup_with --exclude-file "$W/excl"
lacks home/u/Videos "exclude-file \$VAR/*"; has home/u/Documents/letter "exclude-file '!' negation"
lacks docs/other.log "exclude-file (spaces trimmed)"; has docs/keep.log "exclude-file '!keep.log'"
lacks 'docs/$literal' "exclude-file \$\$"; has home/u "exclude-file"
printf 'IMG.jpg\n' > "$W/iexcl"
backup_with --iexclude-file "$W/iexcl"
lacks docs/Photos/IMG.JPG "--iexclude-file"
pass "--exclude-file and --iexclude-file: comments, \$VAR, trimmed lines, '!' negation"

backup_with --exclude-caches
has var/cache "--exclude-caches (the directory stays)"; has var/cache/CACHEDIR.TAG "--exclude-caches (the tag stays)"
lacks var/cache/app "--exclude-caches"; has fake-cache/kept "--exclude-caches (a tag without the signature is no tag)"
pass "--exclude-caches leaves out what a CACHEDIR.TAG with its signature marks, keeping the tag"

backup_with --exclude-if-present .nobackup
has tagged/.nobackup "--exclude-if-present"; lacks tagged/junk "--exclude-if-present"
backup_with --exclude-if-present 'CACHEDIR.TAG:Signature: not'
lacks fake-cache/kept "--exclude-if-present NAME:HEADER"; has var/cache/app/blob "--exclude-if-present NAME:HEADER (another header)"
pass "--exclude-if-present NAME[:HEADER]"

backup_with --exclude-larger-than 2k
has docs/two-k "--exclude-larger-than 2k (equal is kept)"; lacks docs/over-two-k "--exclude-larger-than 2k"
expect_fail 2 "exclude-larger-than '2kb' is not a size" gb backup "$T" --exclude-larger-than 2kb
pass "--exclude-larger-than SIZE"

# --files-from: globs, comments; --files-from-verbatim: exact lines; --files-from-raw: NUL-ended.
ls_paths() { gb ls latest --host "$1" | sed -n "s|^.*$T/||p" | sort > "$W/got"; }
printf '# a comment\n%s/docs/*.log\n  %s/proj  \n' "$T" "$T" > "$W/from"
gb backup --files-from "$W/from" --host ff --quiet
ls_paths ff
has docs/keep.log "--files-from glob"; has proj/main.c "--files-from (trimmed)"; lacks docs/a.tmp "--files-from"
mkdir -p "$T/odd"; echo x > "$T/odd/ #not a comment*"
printf '%s/odd/ #not a comment*\n' "$T" > "$W/verbatim"
gb backup --files-from-verbatim "$W/verbatim" --host fv --quiet
ls_paths fv
has 'odd/ #not a comment*' "--files-from-verbatim"
printf '%s/docs/a.tmp\0%s/small/cachet\0' "$T" "$T" | gb backup --files-from-raw - --host fr --quiet
ls_paths fr
has docs/a.tmp "--files-from-raw -"; has small/cachet "--files-from-raw -"; lacks docs/keep.log "--files-from-raw"
pass "--files-from, --files-from-verbatim and --files-from-raw (stdin)"

# A missing path: skipped with a warning, the rest saved, exit 3.
rc=0
gb backup "$T/small" "$W/nope" --host miss --quiet > /dev/null 2> "$W/miss.err" || rc=$?
[ "$rc" = 3 ] || { cat "$W/miss.err" >&2; fail "a missing path: exit $rc, not 3"; }
grep -q "warning: not backed up: $W/nope: No such file or directory; skipped" "$W/miss.err" || { cat "$W/miss.err" >&2; fail "no warning for the missing path"; }
ls_paths miss
has small/cachet "the other path"
pass "a missing path is skipped with a warning, exit 3, the rest saved"
expect_fail 1 "cannot back up $W/nope, $W/nope2: No such file or directory; nothing was backed up" gb backup "$W/nope" "$W/nope2"
one_clear_sentence "$W/err.txt" "nothing was backed up"
pass "excludes, files-from and missing paths behave as restic's"
