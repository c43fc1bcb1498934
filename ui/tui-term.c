/* The terminal: curses set up on newterm() so that an unknown TERM is a clean error,
 * restored on every way out (q, a quit signal, a crash, out of memory), and input waited for
 * with poll() on the tty and a self-pipe, so a signal is seen at once whatever the delay. */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

#include "tui.h"
#include "xalloc.h"

#define TUI_ESCDELAY_MS 25

static SCREEN *term_screen;
static int term_pipe[2] = { -1, -1 };
static volatile sig_atomic_t term_quit_sig, term_resize;
static struct termios term_saved;
static bool term_have_saved;
static char term_restore[256];		/* what endwin() would write, for async-signal use */
static size_t term_restore_len;

static const int term_quit_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
static const int term_crash_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGSYS };
static struct sigaction term_crash_old[sizeof term_crash_signals / sizeof term_crash_signals[0]];

static void term_wake(void)
{
	int e = errno;

	if (write(term_pipe[1], "", 1) < 0) {
		/* the pipe is full: the loop is already due to wake */
	}
	errno = e;
}

static void term_on_quit(int sig)
{
	term_quit_sig = sig;
	term_wake();
	alarm(TUI_QUIT_SECONDS);	/* the watchdog: see term_on_alarm */
}

static void term_on_resize(int sig)
{
	(void)sig;
	term_resize = 1;
	term_wake();
}

/* Async-signal-safe: leaves the alternate screen, shows the cursor, resets attributes and
 * the tty modes, with what was prepared while curses was set up. */
static void term_emergency_restore(void)
{
	if (term_restore_len && write(STDOUT_FILENO, term_restore, term_restore_len) < 0) {
		/* nothing more can be done for the screen */
	}
	if (term_have_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &term_saved);
}

/* A quit signal is seen by the loop between two steps. Should a step not end (a /proc read
 * blocked behind a stuck process's mmap_lock, a refresh of a huge machine), memtop still
 * leaves: the terminal restored, dead of the signal it was sent. */
static void term_on_alarm(int sig)
{
	struct sigaction sa;
	int quit = term_quit_sig ? term_quit_sig : SIGTERM;

	(void)sig;
	term_emergency_restore();
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigaction(quit, &sa, NULL);
	raise(quit);
	_exit(128 + quit);	/* the signal was blocked or ignored by whoever started us */
}

static void term_on_crash(int sig, siginfo_t *si, void *uc)
{
	size_t i;

	(void)uc;
	term_emergency_restore();
	for (i = 0; term_crash_signals[i] != sig; i++)
		;
	sigaction(sig, &term_crash_old[i], NULL);
	/* A fault happens again when the instruction is retried, this time reaching the
	 * previous handler (a sanitizer's, or the default core dump); a sent signal is sent
	 * again. */
	if (si->si_code <= 0)
		raise(sig);
}

static void term_add_restore(const char *cap)
{
	const char *s = tigetstr(cap);
	size_t n;

	if (!s || s == (char *)-1)
		return;
	n = strlen(s);
	if (term_restore_len + n < sizeof term_restore) {
		memcpy(term_restore + term_restore_len, s, n);
		term_restore_len += n;
	}
}

void tui_term_restore_add(const char *seq)
{
	size_t n = strlen(seq);

	if (term_restore_len + n < sizeof term_restore) {
		memcpy(term_restore + term_restore_len, seq, n);
		term_restore_len += n;
	}
}

static void term_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;	/* /proc reads go on; poll() is woken by the pipe */
	sa.sa_handler = term_on_quit;
	for (size_t i = 0; i < sizeof term_quit_signals / sizeof term_quit_signals[0]; i++)
		sigaction(term_quit_signals[i], &sa, NULL);
	/* installed before newterm(): curses then leaves SIGWINCH, SIGINT and SIGTERM to us
	 * and handles SIGTSTP itself (endwin, stop, restore) */
	sa.sa_handler = term_on_resize;
	sigaction(SIGWINCH, &sa, NULL);
	sigaction(SIGCONT, &sa, NULL);	/* the terminal may have changed while stopped */
	sa.sa_handler = term_on_alarm;
	sigaction(SIGALRM, &sa, NULL);
}

static void term_crash_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_SIGINFO;
	sa.sa_sigaction = term_on_crash;
	for (size_t i = 0; i < sizeof term_crash_signals / sizeof term_crash_signals[0]; i++)
		sigaction(term_crash_signals[i], &sa, &term_crash_old[i]);
}

static int term_pipe_open(void)
{
	if (pipe2(term_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		run_error("cannot create a pipe: %s", strerror(errno));
		return RUN_EXIT_RUNTIME;
	}
	return 0;
}

/* curses takes LINES and COLUMNS from the environment over the size the terminal reports,
 * and allocates its screens at that size (COLUMNS=30000 LINES=30000 grew to 4.4 GB): the
 * terminal's size wins where it reports one, the environment only where it does not, and
 * either is capped. Where neither says, curses takes terminfo's. */
static void term_env_size(const char *name, int reported, int cap)
{
	const char *env = getenv(name);
	char num[16];
	long v = 0;

	if (reported > 0)
		v = reported;
	else if (env)
		v = strtol(env, NULL, 10);
	if (v <= 0) {
		unsetenv(name);
		return;
	}
	snprintf(num, sizeof num, "%ld", v < cap ? v : cap);
	setenv(name, num, 1);
}

static void term_cap_size(void)
{
	struct winsize ws;
	bool known = ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0;

	term_env_size("LINES", known ? ws.ws_row : 0, TUI_MAX_LINES);
	term_env_size("COLUMNS", known ? ws.ws_col : 0, TUI_MAX_COLS);
}

/* newterm() fails on an unknown TERM, and "dumb" cannot place the cursor: both are a
 * one-line error, never curses' own exit. */
static int term_check_terminal(void)
{
	const char *term = getenv("TERM");
	const char *cup;

	if (!isatty(STDIN_FILENO)) {
		run_error("standard input is not a terminal: use --batch or --json");
		return RUN_EXIT_RUNTIME;
	}
	if (!term || !*term) {
		run_error("TERM is not set: use --batch or --json, or set TERM");
		return RUN_EXIT_RUNTIME;
	}
	term_cap_size();
	term_screen = newterm(NULL, stdout, stdin);
	if (!term_screen) {
		run_error("unknown terminal type '%s' (TERM): use --batch or --json", term);
		return RUN_EXIT_RUNTIME;
	}
	cup = tigetstr("cup");
	if (!cup || cup == (char *)-1) {
		endwin();
		delscreen(term_screen);
		term_screen = NULL;
		run_error("terminal '%s' cannot move the cursor: use --batch or --json", term);
		return RUN_EXIT_RUNTIME;
	}
	return 0;
}

static bool term_want_color(const struct run_config *rc)
{
	const char *no = getenv("NO_COLOR");

	if (rc->color == COLOR_NEVER || !has_colors())
		return false;
	if (rc->color == COLOR_ALWAYS)
		return true;
	return !(no && *no);
}

int tui_term_open(const struct run_config *rc)
{
	int rc2;

	term_have_saved = tcgetattr(STDIN_FILENO, &term_saved) == 0;
	rc2 = term_pipe_open();
	if (rc2)
		return rc2;
	term_signals();
	rc2 = term_check_terminal();
	if (rc2) {
		tui_term_close();
		return rc2;
	}
	term_add_restore("rmcup");
	term_add_restore("cnorm");
	term_add_restore("sgr0");
	term_add_restore("rmkx");
	term_crash_handlers();
	xalloc_set_fatal_hook(term_emergency_restore);
	set_escdelay(TUI_ESCDELAY_MS);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	typeahead(-1);		/* draw whole frames even while keys arrive */
	curs_set(0);
	tui_term_resized();	/* the terminal's real size, not a stale LINES or COLUMNS */
	tui_styles_init(term_want_color(rc));
	return 0;
}

void tui_term_close(void)
{
	struct sigaction sa;

	if (term_screen) {
		endwin();
		delscreen(term_screen);
		term_screen = NULL;
		for (size_t i = 0; i < sizeof term_crash_signals / sizeof term_crash_signals[0]; i++)
			sigaction(term_crash_signals[i], &term_crash_old[i], NULL);
		xalloc_set_fatal_hook(NULL);
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	alarm(0);	/* the loop did see the quit signal: the caller dies of it now */
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGWINCH, &sa, NULL);
	sigaction(SIGCONT, &sa, NULL);
	for (size_t i = 0; i < sizeof term_quit_signals / sizeof term_quit_signals[0]; i++)
		sigaction(term_quit_signals[i], &sa, NULL);
	for (int i = 0; i < 2; i++) {
		if (term_pipe[i] >= 0)
			close(term_pipe[i]);
		term_pipe[i] = -1;
	}
}

int tui_term_quit_signal(void)
{
	return term_quit_sig;
}

const volatile sig_atomic_t *tui_term_quit_flag(void)
{
	return &term_quit_sig;
}

bool tui_term_take_resize(void)
{
	bool r = term_resize;

	term_resize = 0;
	return r;
}

void tui_term_resized(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row < TUI_MAX_LINES ? ws.ws_row : TUI_MAX_LINES,
			   ws.ws_col < TUI_MAX_COLS ? ws.ws_col : TUI_MAX_COLS);
	clearok(curscr, TRUE);
}

/* A key curses already has, or 0. Function keys get TUI_FKEY so they never collide with
 * characters. */
static int term_getkey(void)
{
	wint_t wch;
	int r = wget_wch(stdscr, &wch);

	if (r == KEY_CODE_YES)
		return wch == KEY_RESIZE ? 0 : (int)wch | TUI_FKEY;
	if (r == OK && wch > 0 && wch < TUI_FKEY)
		return (int)wch;
	return 0;
}

static void term_drain_pipe(void)
{
	char buf[64];

	while (read(term_pipe[0], buf, sizeof buf) > 0)
		;
}

/* Whether the terminal hung up: a hung-up tty reads as end of file, and its ioctls fail
 * with EIO. */
static bool term_hung_up(void)
{
	struct termios tio;

	return tcgetattr(STDIN_FILENO, &tio) < 0 && (errno == EIO || errno == ENOTTY || errno == EBADF);
}

/* Waits for a key, a signal or the timeout. The terminal going away is a quit, whatever the
 * screen and even with SIGHUP blocked or ignored: hang-up or error on the input or the
 * output, or input that reads as end of file. */
int tui_term_wait(double seconds)
{
	struct pollfd pfd[3] = {
		{ STDIN_FILENO, POLLIN, 0 }, { term_pipe[0], POLLIN, 0 }, { STDOUT_FILENO, 0, 0 },
	};
	int key = term_getkey();
	int ms;

	if (key)
		return key;
	if (term_quit_sig)
		return -1;
	if (term_resize)
		return 0;
	ms = seconds <= 0 ? 0 : seconds >= 86400 ? 86400 * 1000 : (int)(seconds * 1000) + 1;
	if (poll(pfd, 3, ms) < 0 && errno != EINTR)
		return 0;
	term_drain_pipe();
	if (term_quit_sig)
		return -1;
	if (((pfd[0].revents | pfd[2].revents) & (POLLHUP | POLLERR | POLLNVAL)) ||
	    ((pfd[0].revents & POLLIN) && !(key = term_getkey()) && term_hung_up())) {
		term_quit_sig = SIGHUP;	/* the terminal went away */
		return -1;
	}
	return key;
}
