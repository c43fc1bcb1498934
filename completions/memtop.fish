# fish completion for memtop

complete -c memtop -f
complete -c memtop -s b -l batch -d 'Text report, no terminal control'
complete -c memtop -s n -l iterations -x -d 'Number of samples'
complete -c memtop -s d -l delay -x -d 'Seconds between samples'
complete -c memtop -s p -l pid -x -a '(__fish_complete_pids)' -d 'Only these processes'
complete -c memtop -s u -l user -x -a '(__fish_complete_users)' -d 'Only this user'
complete -c memtop -s f -l filter -x -d 'PCRE2 match on command name or line'
complete -c memtop -s s -l sort -x -a '(__memtop_fields)' -d 'Sort key'
complete -c memtop -s o -l fields -x -a '(__memtop_field_list)' -d 'Columns'
complete -c memtop -s g -l group -x -a 'user\t"Each user\'s processes" comm\t"Each command name" cgroup\t"Each memory cgroup"' -d 'One row per group, with summed figures'
complete -c memtop -s m -l maps -d 'Segments and mappings of the -p processes'
complete -c memtop -s S -l system -d 'System memory report'
complete -c memtop -s O -l oom -d 'OOM report'
complete -c memtop -s J -l json -d 'JSON output'
complete -c memtop -l trend-window -x -d 'History the trend fields are fitted over (seconds)'
complete -c memtop -l trend-min-span -x -d 'How long a steady rise must last to be a leak (seconds)'
complete -c memtop -l set-oom-adj -x -d 'Write oom_score_adj of the -p processes (-1000..1000)'
complete -c memtop -l openmetrics -d 'OpenMetrics text instead of a report'
complete -c memtop -l output -r -F -d 'Write the metrics to FILE atomically (.prom: Prometheus text)'
complete -c memtop -l listen -x -d 'Serve /metrics over HTTP ([ADDR:]PORT)'
complete -c memtop -l top -x -d 'Per-process series for the N largest by PSS'
complete -c memtop -l color -x -a 'auto always never' -d 'Colour the interactive view'
complete -c memtop -l no-config -d 'Ignore the saved settings'
complete -c memtop -l no-mouse -d 'Leave the mouse to the terminal'
complete -c memtop -s w -l write -r -F -d 'Record to a file (SQLite)'
complete -c memtop -l max-size -x -d 'Recording size cap, oldest samples go first (256M)'
complete -c memtop -s r -l read -r -F -d 'Replay a recording'
complete -c memtop -l at -x -d 'The sample recorded at a time (YYYY-MM-DD HH:MM:SS, -10m)'
complete -c memtop -l from -x -d 'The samples recorded from a time'
complete -c memtop -l to -x -d 'The samples recorded to a time'
complete -c memtop -s h -l help -d 'Show help'
complete -c memtop -s V -l version -d 'Show version'

# the field registry's names and descriptions (memtop -o help), a tab between them as
# fish wants; tests/docs.bats checks them
function __memtop_fields
	printf '%s\t%s\n' \
		pid 'process id' \
		ppid 'parent process id' \
		user 'effective user name (uid when it has no name)' \
		uid 'effective user id' \
		state 'state: R running, S sleeping, D disk wait, Z zombie, T stopped, I idle' \
		threads 'number of threads' \
		comm 'command name (the kernel\'s comm, 15 bytes at most)' \
		cmd 'full command line ([comm] for kernel threads)' \
		virt 'virtual address space size (VmSize)' \
		rss 'resident set size: pages in RAM, shared ones counted in full (VmRSS)' \
		pss 'proportional set size: shared pages divided among their users (smaps_rollup Pss)' \
		uss 'unique set size: pages no other process maps (Private_Clean + Private_Dirty); exiting frees the anonymous ones, file pages stay in the page cache, shmem until it is removed' \
		anon 'resident anonymous memory: heap, stack, private writes (RssAnon)' \
		file 'resident file-backed pages: page cache mapped by the process (RssFile)' \
		shmem 'resident shared memory: tmpfs, shared anonymous, SysV and POSIX shm (RssShmem)' \
		swap 'swapped-out anonymous memory, shmem excluded (VmSwap)' \
		swap_pss 'proportional share of swapped-out anonymous memory (SwapPss); swapped shmem is not in it' \
		locked 'locked memory, cannot be swapped or reclaimed (VmLck)' \
		pte 'page tables (VmPTE)' \
		hwm 'peak resident set size, high water mark (VmHWM)' \
		peak 'peak virtual size (VmPeak)' \
		dirty 'dirty resident pages (Private_Dirty + Shared_Dirty)' \
		data 'private writable virtual memory: heap, bss, anonymous maps (VmData)' \
		stack 'main thread\'s stack size (VmStk)' \
		exe 'executable\'s text size (VmExe)' \
		lib 'shared library code size (VmLib)' \
		pss_anon 'PSS of anonymous memory (Pss_Anon)' \
		pss_file 'PSS of file-backed memory (Pss_File)' \
		pss_shmem 'PSS of shared memory (Pss_Shmem)' \
		thp 'anonymous memory in transparent huge pages (AnonHugePages)' \
		hugetlb 'hugetlbfs pages mapped, not counted in RSS (HugetlbPages)' \
		ksm 'memory KSM merged into pages shared with others (ksm_stat ksm_merging_pages); unknown without ksm_stat' \
		minflt 'minor page faults since start: no I/O needed' \
		majflt 'major page faults since start: waited for I/O (file read, swap-in)' \
		minflt_rate 'minor faults per second since the previous sample' \
		majflt_rate 'major faults per second since the previous sample' \
		oom 'oom_score: the OOM killer\'s badness (0-2000; 666 is an idle process with adj 0)' \
		oom_adj 'oom_score_adj: -1000 (never kill) to 1000 (kill first)' \
		growth 'growth of anon + swap in bytes per second over the trend window (Theil-Sen slope: a wild sample moves it little); unknown with fewer than 4 samples' \
		leak 'yes when anon + swap grew steadily over at least the minimum span: a line explains 90 % of it, 1 MiB or more, each quarter of the span above the one before; a step, a sawtooth or an idle process is no leak' \
		oom_eta 'seconds until this growth reaches the limit that binds first: the machine\'s MemAvailable + SwapFree or the memory cgroup\'s limit; unknown when not growing; sorted soonest first' \
		seg_text 'resident executable code and read-only data of the program' \
		seg_data 'resident initialised data of the program' \
		seg_bss 'resident zero-initialised data of the program' \
		seg_heap 'resident [heap] (brk): small mallocs' \
		seg_stack 'resident [stack] of the main thread' \
		seg_libs 'resident shared libraries (.so code and data)' \
		seg_anon_mmap 'resident private anonymous maps: large mallocs, arenas, thread stacks' \
		seg_file_mmap 'resident mapped files other than the program, libraries and tmpfs files' \
		seg_shmem 'resident shared memory maps: shared anonymous, SysV, memfd, files on a tmpfs (/dev/shm and others)' \
		seg_kernel 'resident kernel-provided maps: [vdso], [vvar], [vsyscall]' \
		age 'seconds since PSS/USS were read: 0 when read for this sample; more for a process costly to read (re-read less often) or, in the view, for rows off screen'
end

# -o takes a comma-separated list: complete the part after the last comma
function __memtop_field_list
	set -l head (string replace -r '[^,]*$' '' -- (commandline -ct))
	for f in (__memtop_fields)
		printf '%s\n' "$head$f"
	end
	test -n "$head"; or printf 'help\t%s\n' 'list every field with its meaning'
end
