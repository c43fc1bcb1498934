#!/usr/bin/env bats
# make install DESTDIR=...: the binary, the man page and the bash, zsh and fish completions
# land in their conventional directories under the prefix, each completion directory can be
# moved at configure time, and make uninstall takes everything away again.

load lib

setup() {
	BUILDDIR=$(dirname "$MEMTOP")
	[ -f "$BUILDDIR/Makefile" ] || skip "no configured build tree beside $MEMTOP"
	DEST="$BATS_TEST_TMPDIR/dest"
}

@test "make install DESTDIR: binary, man page and completions in their conventional places" {
	local prefix
	prefix=$(sed -n 's/^prefix = //p' "$BUILDDIR/Makefile")
	[ -n "$prefix" ]
	make -s -C "$BUILDDIR" install DESTDIR="$DEST" >/dev/null
	[ -x "$DEST$prefix/bin/memtop" ]
	[ -f "$DEST$prefix/share/man/man1/memtop.1" ]
	[ -f "$DEST$prefix/share/bash-completion/completions/memtop" ]
	[ -f "$DEST$prefix/share/zsh/site-functions/_memtop" ]
	[ -f "$DEST$prefix/share/fish/vendor_completions.d/memtop.fish" ]
	# nothing else, nothing outside the prefix
	[ "$(find "$DEST" -type f | wc -l)" -eq 5 ]
	[ -z "$(find "$DEST" -type f ! -path "$DEST$prefix/*")" ]
	# the installed files are the ones in the tree, and the binary runs
	cmp "$DEST$prefix/share/man/man1/memtop.1" "$top_srcdir/doc/memtop.1"
	cmp "$DEST$prefix/share/bash-completion/completions/memtop" "$top_srcdir/completions/memtop"
	"$DEST$prefix/bin/memtop" --version | grep -q '^memtop '
	make -s -C "$BUILDDIR" uninstall DESTDIR="$DEST" >/dev/null
	[ -z "$(find "$DEST" -type f)" ]
}

@test "the README's install table names where make install puts each file" {
	local paths p
	paths=$(sed -n '/^## Install/,/^## /p' "$top_srcdir/README.md" | grep -oE '^\| [^|]+ \| `/usr/local/[^`]+`' |
		grep -oE '/usr/local/[^`]+')
	[ "$(wc -l <<<"$paths")" -eq 5 ]
	make -s -C "$BUILDDIR" install DESTDIR="$DEST" prefix=/usr/local >/dev/null
	for p in $paths; do
		[ -f "$DEST$p" ] || { echo "README names $p, make install did not put it there"; false; }
	done
	[ "$(find "$DEST" -type f | wc -l)" -eq 5 ]
}

@test "--with-{bash,zsh,fish}-completion-dir move the completions" {
	local b="$BATS_TEST_TMPDIR/build"
	mkdir -p "$b"
	(cd "$b" && "$top_srcdir/configure" -q --prefix=/usr \
		--with-bash-completion-dir=/etc/bash_completion.d \
		--with-zsh-completion-dir=/usr/share/zsh/vendor-completions \
		--with-fish-completion-dir=/usr/share/fish/completions) >/dev/null
	# data only: the completions and the man page need no compiler
	make -s -C "$b" install-data DESTDIR="$DEST" >/dev/null
	[ -f "$DEST/etc/bash_completion.d/memtop" ]
	[ -f "$DEST/usr/share/zsh/vendor-completions/_memtop" ]
	[ -f "$DEST/usr/share/fish/completions/memtop.fish" ]
	[ -f "$DEST/usr/share/man/man1/memtop.1" ]
	[ ! -e "$DEST/usr/share/bash-completion" ]
}

@test "the installed completions load in their shells" {
	make -s -C "$BUILDDIR" install-data DESTDIR="$DEST" prefix=/usr >/dev/null
	if command -v bash >/dev/null; then
		bash -c "source '$DEST/usr/share/bash-completion/completions/memtop' && complete -p memtop" |
			grep -q memtop
	fi
	if command -v zsh >/dev/null; then
		zsh -fc "fpath=('$DEST/usr/share/zsh/site-functions' \$fpath); autoload -U compinit; compinit -u -d '$BATS_TEST_TMPDIR/zcd'; (( \$+functions[_memtop] )) || autoload -U _memtop; whence -w _memtop" |
			grep -q function
	fi
	if command -v fish >/dev/null; then
		HOME=$BATS_TEST_TMPDIR fish --no-config -c "source '$DEST/usr/share/fish/vendor_completions.d/memtop.fish'; complete -c memtop" |
			grep -q -- '-l batch'
	fi
}
