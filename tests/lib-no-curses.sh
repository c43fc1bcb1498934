#!/bin/sh
# lib/ is the data layer: it must not know the terminal (design.md), and only its adapter
# may include libproc2.
srcdir=${top_srcdir:-.}
echo "1..2"
if grep -l -E 'curses|printw|mvaddstr|<term\.h>' "$srcdir"/lib/*.[ch] >/dev/null 2>&1; then
	echo "not ok 1 - lib/ mentions curses: $(grep -l -E 'curses|printw|mvaddstr' "$srcdir"/lib/*.[ch] | tr '\n' ' ')"
else
	echo "ok 1 - lib/ never mentions curses"
fi
n=$(grep -l '<libproc2/' "$srcdir"/lib/*.[ch] "$srcdir"/ui/*.[ch] "$srcdir"/cmd/*.[ch] 2>/dev/null | wc -l)
if [ "$n" -eq 1 ] && grep -q '<libproc2/' "$srcdir/lib/proc2.c"; then
	echo "ok 2 - only lib/proc2.c includes libproc2"
else
	echo "not ok 2 - $n files include libproc2 headers"
fi
