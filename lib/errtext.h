/* What an errno means to the person reading the message: running out of descriptors or
 * memory is said in those words, not as "Too many open files" or a libc's guess. */
#ifndef MEMTOP_ERRTEXT_H
#define MEMTOP_ERRTEXT_H

/* A static string; strerror(err) for errors without words of their own. */
const char *errtext(int err);

#endif
