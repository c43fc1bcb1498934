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

# The registry's names, as -o help lists them (the "Default columns:" line is no field).
registry_fields() {
	"$MEMTOP" -o help | awk 'NR > 1 && /^  [a-z]/ {print $1}' | sort
}

# The names the man page's FIELDS list has entries for.
man_fields() {
	awk '/^\.Sh FIELDS/ {f = 1; next} /^\.Sh / {f = 0} f && /^\.It Cm / {print $3}' "$man" | sort
}

@test "the man page's FIELDS list is the registry, no more, no less" {
	flds=$(registry_fields)
	[ "$(wc -l <<<"$flds")" -ge 40 ]
	diff <(echo "$flds") <(man_fields)
}

@test "each long option the code accepts has its own entry in the man page's OPTIONS" {
	opts=$(grep -oE '\{ "[a-z-]+", (no|required|optional)_argument' "$src/cmd/memtop.c" | cut -d'"' -f2)
	[ "$(wc -l <<<"$opts")" -ge 15 ]
	for o in $opts; do
		awk -v o="$o" '/^\.Sh OPTIONS/ {f = 1; next} /^\.Sh / {f = 0}
			f && /^\.It / && index($0 " ", "Fl -" o " ") {found = 1} END {exit !found}' "$man" ||
			{ echo "--$o has no .It entry in OPTIONS"; false; }
	done
}

# Quotes open and close in turn in the rendered page: a quoting macro swallowed by
# another (".Pq Ql a , Ql b" nests the second Ql in the first) renders as "(‘a, ‘b’’)".
@test "the man page renders no nested quotes" {
	command -v mandoc >/dev/null || skip "mandoc not installed"
	command -v python3 >/dev/null || skip "python3 not installed"
	mandoc -Tutf8 -O width=1000 "$man" | col -b | python3 -c '
import sys
bad = 0
for n, line in enumerate(sys.stdin, 1):
    for o, c in (("\u2018", "\u2019"), ("\u201c", "\u201d")):
        depth = 0
        for ch in line:
            depth += ch == o
            depth -= ch == c
            if depth < 0 or depth > 1:
                print("line %d: %s" % (n, line.strip()))
                bad = 1
                break
if bad:
    sys.exit(1)
'
	mandoc -Tutf8 -O width=1000 "$man" | col -b | grep -q "cgroup_memory (‘v1’, ‘v2’ or ‘none’)"
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
