/*
 * mpi.h — the command under mpirun (docs/scale.md): MPI is started only when the process was
 * launched by an MPI launcher, and each analysis gets an en_distributor whose gather is an
 * MPI all-gather, so every rank ends with the same result; rank 0 alone writes output and
 * records runs. A build without MPI
 * (ENTENTE_MPI=OFF, or no MPI found) compiles the same calls to a single process.
 */
#ifndef ENTENTE_CLI_MPI_H
#define ENTENTE_CLI_MPI_H

#include "entente.h"

/* Starts MPI if the environment says an MPI launcher started this process (Open MPI's
 * OMPI_COMM_WORLD_SIZE, or PMI_SIZE / PMIX_RANK), else does nothing: plain runs pay nothing.
 * A command started by mpirun from a build without MPI says so and runs as one process. */
void cli_mpi_start(int *argc, char ***argv);
/* Ends MPI with the command's exit status: MPI_Finalize after success; after a failure,
 * MPI_Abort with that status so no other process waits forever for this one. Returns `status`. */
int cli_mpi_finish(int status);
/* The distributor of this job (NULL when not under MPI or with one process). */
const en_distributor *cli_mpi_distributor(void);
/* Whether this process writes output and records runs (rank 0, or not under MPI). */
int cli_mpi_is_root(void);
/* Default worker threads of a process: the online cores shared among the ranks on this node
 * (at least 1); 0 (the library's own default) when not under MPI. */
unsigned cli_mpi_default_threads(void);

#endif
