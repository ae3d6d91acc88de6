#ifndef CNCURSESW_SHIM_H
#define CNCURSESW_SHIM_H
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <wchar.h>
#include <stdio.h>
#include <unistd.h>
#include <ncursesw/curses.h>

// Macros and globals Swift cannot use directly (Swift 6 rejects mutable C globals).

/// Starts curses on the process's terminal like initscr(), but returns 0 instead of exiting
/// the process when the terminal cannot be used (TERM unset or unknown, not a tty).
static inline int cnc_start(void) {
    if (!isatty(1)) return 0;
    SCREEN *screen = newterm(NULL, stdout, stdin);
    if (screen == NULL) return 0;
    set_term(screen);
    return 1;
}
static inline WINDOW *cnc_stdscr(void) { return stdscr; }
static inline int cnc_lines(void) { return LINES; }
static inline int cnc_cols(void) { return COLS; }
static inline int cnc_colors(void) { return COLORS; }
static inline unsigned int cnc_A_NORMAL(void) { return A_NORMAL; }
static inline unsigned int cnc_A_BOLD(void) { return A_BOLD; }
static inline unsigned int cnc_A_REVERSE(void) { return A_REVERSE; }
static inline unsigned int cnc_A_DIM(void) { return A_DIM; }
static inline unsigned int cnc_A_UNDERLINE(void) { return A_UNDERLINE; }
static inline unsigned int cnc_color_pair(int n) { return (unsigned int)COLOR_PAIR(n); }
// Mouse button masks (macros built from NCURSES_MOUSE_MASK).
static inline mmask_t cnc_BUTTON1_PRESSED(void) { return BUTTON1_PRESSED; }
static inline mmask_t cnc_BUTTON1_CLICKED(void) { return BUTTON1_CLICKED; }
static inline mmask_t cnc_BUTTON1_DOUBLE_CLICKED(void) { return BUTTON1_DOUBLE_CLICKED; }
static inline mmask_t cnc_BUTTON4_PRESSED(void) { return BUTTON4_PRESSED; }
static inline mmask_t cnc_BUTTON5_PRESSED(void) { return BUTTON5_PRESSED; }
static inline int cnc_set_locale(void) { return setlocale(LC_ALL, "") != NULL; }
/// Draws at most `n` wide characters at (y, x) with the given attributes.
static inline int cnc_put(int y, int x, const wchar_t *s, int n, unsigned int attrs) {
    attr_t old; short pair;
    attr_get(&old, &pair, NULL);
    attrset(attrs);
    int rc = mvaddnwstr(y, x, s, n);
    attrset(old);
    return rc;
}
#endif
