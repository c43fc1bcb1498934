#!/usr/bin/env bats
# The man page, --help and the completions stay in step with the code: every option and
# every registry field appears in each of them.

load lib

setup() {
	src=${top_srcdir:-$TESTS_DIR/..}
	man=$src/doc/memtop.1
	docs=("$man" "$src/completions/memtop" "$src/completions/_memtop" "$src/completions/memtop.fish")
}

long_options() {
	"$MEMTOP" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u
}

@test "every option of --help is in the man page and each completion" {
	opts=$(long_options)
	[ "$(wc -l <<<"$opts")" -ge 15 ]
	for o in $opts; do
		for f in "${docs[@]}"; do
			name=${o#--}
			grep -q -- "$name" "$f" || { echo "$o missing from $f"; false; }
		done
	done
}

@test "every option the code accepts is in --help" {
	for o in $(grep -oE '\{ "[a-z-]+", (no|required|optional)_argument' "$src/cmd/memtop.c" | cut -d'"' -f2); do
		"$MEMTOP" --help | grep -q -- "--$o" || { echo "--$o not in --help"; false; }
	done
}

@test "every registry field is in the man page and each completion" {
	flds=$("$MEMTOP" -o help | awk 'NR > 1 && /^  [a-z]/ {print $1}')
	[ "$(wc -l <<<"$flds")" -ge 40 ]
	for fld in $flds; do
		grep -q "^\.It Cm $fld\$" "$man" || { echo "$fld missing from the man page"; false; }
		# described there as the registry describes it (-o help, whose line has the header too)
		desc=$(grep -A1 "^\.It Cm $fld\$" "$man" | tail -1)
		"$MEMTOP" -o help | grep -qF -- " $desc" || { echo "$fld: the man page says '$desc'"; false; }
		for f in "${docs[@]:1}"; do
			grep -qw -- "$fld" "$f" || { echo "$fld missing from $f"; false; }
		done
	done
}

@test "the man page is lint-clean" {
	command -v mandoc >/dev/null || skip "mandoc not installed"
	run mandoc -Tlint -W warning "$man"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "the completions parse" {
	bash -n "$src/completions/memtop"
	if command -v zsh >/dev/null; then zsh -n "$src/completions/_memtop"; fi
	if command -v fish >/dev/null; then fish -n "$src/completions/memtop.fish"; fi
}

@test "the bash completion offers fields after a comma" {
	[ -r /usr/share/bash-completion/bash_completion ] || skip "bash-completion not installed"
	run bash -c "source /usr/share/bash-completion/bash_completion; source '$src/completions/memtop';
		COMP_WORDS=(memtop -o pid,ps); COMP_CWORD=2; COMP_LINE='memtop -o pid,ps'; COMP_POINT=\${#COMP_LINE};
		_memtop 2>/dev/null; echo \"\${COMPREPLY[*]}\""
	[[ "$output" == *"pid,pss"* ]]
	[[ "$output" == *"pid,pss_anon"* ]]
}
