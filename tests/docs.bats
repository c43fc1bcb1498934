#!/usr/bin/env bats
# The man page, --help and the completions stay in step with the code: every option and
# every registry field appears in each of them, and each shell's completion offers every
# option and exactly the registry's fields, asked through the shell's own engine.

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
	# each described there as the registry describes it, JSON key and all (doc/sync-fields)
	"$MEMTOP" -o help | awk 'NR > 1 && /^  [a-z]/ {$2 = ""; print}' | while read -r fld desc; do
		[ "$(grep -A1 "^\.It Cm $fld\$" "$man" | tail -1 | sed 's/\\&//; s/\\e/\\/g')" = "$desc" ] ||
			{ echo "$fld: the man page does not say '$desc' (run doc/sync-fields)"; false; }
	done
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

@test "the man page gives the order in which columns give way, as lib/field.c has it" {
	command -v mandoc >/dev/null || skip "mandoc not installed"
	code=$(sed -n '/^static const enum field_id field_give_way_order\[\]/,/^};/p' "$src/lib/field.c" |
		grep -oE 'FLD_[A-Z_]+' | sed 's/^FLD_//' | tr 'A-Z' 'a-z' | paste -sd' ')
	[ "$(wc -w <<<"$code")" -ge 5 ]
	doc=$(mandoc -Tascii -O width=1000 "$man" | col -b | grep -o 'first any not named below, the rightmost first, then [a-z_, ]*and [a-z_]*' |
		sed -e 's/.*first, then //' -e 's/,//g' -e 's/ and / /')
	[ "$doc" = "$code" ] || { echo "man page: $doc"; echo "field.c:  $code"; false; }
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

# ---- the completions, through each shell's own completion engine ----

# The registry's fields with their descriptions, "name<TAB>description", as -o help gives
# them (the JSON key in brackets at the end left off).
registry_described() {
	"$MEMTOP" -o help | awk 'NR > 1 && /^  [a-z]/ {
		name = $1; $1 = ""; $2 = ""; sub(/^ +/, ""); sub(/ \[[^]]*\]$/, "")
		print name "\t" $0 }' | sort
}

short_options() {
	"$MEMTOP" --help | grep -oE '^  -[a-zA-Z],' | tr -d ' ,' | sort -u
}

# bash_complete LINE: what bash-completion offers at the end of LINE, one a line. The line
# is split into COMP_WORDS as readline splits it: at blanks, and "=" a word of its own
# (COMP_WORDBREAKS); _init_completion puts "--opt=value" back together.
bash_complete() {
	[ -r /usr/share/bash-completion/bash_completion ] || skip "bash-completion not installed"
	bash --norc --noprofile -c '
		source /usr/share/bash-completion/bash_completion
		source "$1"
		COMP_LINE=$2
		COMP_POINT=${#COMP_LINE}
		COMP_WORDS=()
		read -ra ws <<<"$COMP_LINE"
		for w in "${ws[@]}"; do
			while [[ $w == *=* ]]; do
				COMP_WORDS+=("${w%%=*}" "=")
				w=${w#*=}
			done
			[ -z "$w" ] || COMP_WORDS+=("$w")
		done
		[[ $COMP_LINE == *[\ =] ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_memtop memtop "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' bash "$src/completions/memtop" "$1"
}

# zsh_complete LINE: what zsh's completion system offers, "match -- description"
zsh_complete() {
	command -v zsh >/dev/null || skip "zsh not installed"
	timeout 120 zsh -f "$TESTS_DIR/helpers/zsh-complete" "$src/completions" "$1"
}

# fish_complete LINE: what fish offers, "match<TAB>description". fish loads the completion
# from fish_complete_path itself, as when installed (only for a command on PATH).
fish_complete() {
	command -v fish >/dev/null || skip "fish not installed"
	HOME=$BATS_TEST_TMPDIR XDG_CONFIG_HOME=$BATS_TEST_TMPDIR XDG_DATA_HOME=$BATS_TEST_TMPDIR \
		PATH="$(dirname "$MEMTOP"):$PATH" fish --no-config -c \
		'set -g fish_complete_path $argv[1]; complete -C $argv[2]' "$src/completions" "$1"
}

# same NAME EXPECTED ACTUAL: the two lists agree, or both are printed with their difference
same() {
	diff -u --label "expected ($1)" --label "offered ($1)" <(echo "$2") <(echo "$3")
}

@test "bash offers exactly the registry's fields after -s, -o, --sort= and a comma" {
	flds=$(registry_fields)
	same "-s" "$flds" "$(bash_complete 'memtop -s ' | sort)"
	same "--sort=" "$flds" "$(bash_complete 'memtop --sort=' | sort)"
	same "-o" "$(printf '%s\nhelp\n' "$flds" | sort)" "$(bash_complete 'memtop -o ' | sort)"
	same "-o pid,ps" "$(grep '^ps' <<<"$flds" | sed 's/^/pid,/')" "$(bash_complete 'memtop -o pid,ps' | sort)"
	same "-s ppi" ppid "$(bash_complete 'memtop -s ppi')"
}

@test "zsh offers exactly the registry's fields, each with its whole description" {
	want=$(registry_described | sed 's/\t/ -- /')
	same "-s" "$want" "$(zsh_complete 'memtop -s ' | sort)"
	same "-o pid,ps" "$(grep '^ps' <<<"$want" | sed 's/^/pid,/')" "$(zsh_complete 'memtop -o pid,ps' | sort)"
	same "--fields=" "$(printf '%s\nhelp -- list every field with its meaning\n' "$(sed 's/^/--fields=/' <<<"$want")" |
		sed 's/^help/--fields=help/' | sort)" "$(zsh_complete 'memtop --fields=' | sort)"
	same "-s ppi" "ppid -- parent process id" "$(zsh_complete 'memtop -s ppi')"
}

@test "fish offers exactly the registry's fields, each with its whole description apart" {
	want=$(registry_described)
	same "-s" "$want" "$(fish_complete 'memtop -s ' | sort)"
	same "-o pid,ps" "$(grep '^ps' <<<"$want" | sed 's/^/pid,/')" "$(fish_complete 'memtop -o pid,ps' | sort)"
	same "--sort=" "$(sed 's/^/--sort=/' <<<"$want")" "$(fish_complete 'memtop --sort=' | sort)"
	# the match is the name alone: Tab inserts "ppid", not its description
	same "-s ppi" "ppid	parent process id" "$(fish_complete 'memtop -s ppi')"
	fish_complete 'memtop -o ' | grep -qx 'help	list every field with its meaning'
}

# offered SHELL LINE: the matches alone, one a line
offered() {
	"$1_complete" "$2" | sed -e 's/\t.*//' -e 's/ -- .*//' -e 's/=$//'
}

@test "each shell offers every option of --help, long and short" {
	longs=$(long_options)
	shorts=$(short_options)
	[ "$(wc -l <<<"$shorts")" -ge 14 ]
	for sh in bash zsh fish; do
		got=$(offered "$sh" 'memtop --')
		for o in $longs; do
			grep -qx -- "$o" <<<"$got" || { echo "$sh does not offer $o"; false; }
		done
		got=$(offered "$sh" 'memtop -')
		for o in $shorts; do
			grep -qx -- "$o" <<<"$got" || { echo "$sh does not offer $o"; false; }
		done
	done
}

@test "each shell completes the values of --color and --group, and user names after -u" {
	for sh in bash zsh fish; do
		same "$sh --color=" "$(printf -- '--color=%s\n' always auto never)" "$(offered "$sh" 'memtop --color=' |
			sed 's/^\([a-z]\)/--color=\1/' | sort)"
		same "$sh --group=" "$(printf -- '--group=%s\n' cgroup comm user)" "$(offered "$sh" 'memtop --group=' |
			sed 's/^\([a-z]\)/--group=\1/' | sort)"
		same "$sh -g" "$(printf -- '%s\n' cgroup comm user)" "$(offered "$sh" 'memtop -g ' | sort)"
		offered "$sh" 'memtop -u roo' | grep -qx root || { echo "$sh: no root after -u"; false; }
	done
}
