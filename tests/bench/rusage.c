/* rusage.c: run a command, print its CPU seconds and peak memory.
 *
 *     rusage STDERR-FILE CMD [ARG...]
 *
 * Runs CMD with standard output to /dev/null and standard error to
 * STDERR-FILE, and prints one line, "USER+SYS-SECONDS MAXRSS-KIB STATUS",
 * from wait4(2): the command's own figures, to the microsecond (GNU time
 * rounds to hundredths, too coarse for runs of a tenth of a second).
 * STATUS is the exit status, or 128 + the signal that ended it. Written in
 * C, not a script, because a child's maxrss includes what its parent held
 * when it forked. Not part of the build: run.sh compiles it with cc. */

#define _DEFAULT_SOURCE 1

#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct rusage ru;
    int status;
    int code;
    pid_t pid;

    if (argc < 3) {
        fprintf(stderr, "usage: rusage STDERR-FILE CMD [ARG...]\n");
        return 2;
    }
    pid = fork();
    if (pid < 0) {
        perror("rusage: fork");
        return 2;
    }
    if (pid == 0) {
        int out = open("/dev/null", O_WRONLY);
        int err = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);

        if (out < 0 || err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
            _exit(126);
        execvp(argv[2], argv + 2);
        _exit(127);
    }
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("rusage: wait4");
        return 2;
    }
    code = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
    printf("%.6f %ld %d\n",
           (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
               (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6,
           ru.ru_maxrss, code);
    return 0;
}
