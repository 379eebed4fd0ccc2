/*
 * Exit statuses of the clause command, in one place.
 * Only the command-line layer turns a failure into one of these.
 */
#ifndef CLAUSE_EXITCODES_H
#define CLAUSE_EXITCODES_H

#define EXIT_CODE_OK 0
#define EXIT_CODE_USAGE 1
#define EXIT_CODE_REJECTED 2	/* input rejected, partly or wholly */
#define EXIT_CODE_DATABASE 3
#define EXIT_CODE_INTERNAL 4

#endif
