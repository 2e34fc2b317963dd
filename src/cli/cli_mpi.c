/*
 * cli_mpi.c — MPI for the command (cli_mpi.h). The library never calls MPI: analyses take an
 * en_distributor and this file gives them one whose gather is MPI_Allgatherv of bytes.
 * MPI starts only when a launcher started us, so `entente mc` without mpirun does not load
 * Open MPI's runtime at all.
 */
#include "cli_mpi.h"
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#ifdef ENTENTE_HAVE_MPI
#include <limits.h>
#include <mpi.h>
#endif

static int started, rank, size = 1;
static en_distributor distributor;

/* A launcher's marks in the environment: Open MPI's mpirun, and the PMI/PMIx of srun. */
static int launched_by_mpi(void)
{
    static const char *const marks[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"};
    for (size_t k = 0; k < sizeof marks / sizeof marks[0]; k++) {
        const char *v = getenv(marks[k]);
        if (v && *v) return 1;
    }
    return 0;
}

#ifdef ENTENTE_HAVE_MPI
/* Every rank receives every rank's bytes in rank order (an all-gather: each rank then
 * summarises the same data and keeps in step with the others); sizes are exchanged first. MPI
 * counts are ints, so more than INT_MAX bytes in one call is refused (the analyses exchange
 * far less per call: Monte Carlo in waves of blocks). */
static int mpi_gather(void *data, const void *mine, size_t bytes, void **all, size_t *all_bytes,
                      en_error *err)
{
    (void)data;
    *all = NULL;
    *all_bytes = 0;
    int count = bytes > INT_MAX ? -1 : (int)bytes;
    int *counts = cli_xcalloc((size_t)size, sizeof *counts);
    int *offsets = cli_xcalloc((size_t)size, sizeof *offsets);
    if (MPI_Allgather(&count, 1, MPI_INT, counts, 1, MPI_INT, MPI_COMM_WORLD) != MPI_SUCCESS) {
        free(counts), free(offsets);
        return en_error_set(err, EN_ERROR_INTERNAL, "MPI_Allgather of the share sizes failed");
    }
    /* Every rank sees the same counts, so every rank refuses alike: nobody is left waiting. */
    size_t total = 0;
    for (int r = 0; r < size; r++) {
        if (counts[r] < 0 || total > (size_t)INT_MAX - (size_t)counts[r]) {
            free(counts), free(offsets);
            return en_error_set(err, EN_ERROR_INTERNAL,
                                "the results to exchange exceed 2 GiB in one exchange");
        }
        offsets[r] = (int)total;
        total += (size_t)counts[r];
    }
    unsigned char *buffer = cli_xmalloc(total ? total : 1);
    int rc = MPI_Allgatherv(mine, count, MPI_BYTE, buffer, counts, offsets, MPI_BYTE, MPI_COMM_WORLD);
    free(counts), free(offsets);
    if (rc != MPI_SUCCESS) {
        free(buffer);
        return en_error_set(err, EN_ERROR_INTERNAL, "MPI_Allgatherv of the results failed");
    }
    *all = buffer;
    *all_bytes = total;
    return EN_OK;
}
#endif

void cli_mpi_start(int *argc, char ***argv)
{
    if (!launched_by_mpi()) return;
#ifdef ENTENTE_HAVE_MPI
    int provided = 0;
    /* Funneled: only the main thread calls MPI; the worker threads never do. */
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        fprintf(stderr, "entente: error: MPI_Init failed; running as one process\n");
        return;
    }
    started = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    distributor.rank = rank;
    distributor.size = size;
    distributor.gather = mpi_gather;
    distributor.data = NULL;
#else
    (void)argc;
    (void)argv;
    const char *ranks = getenv("OMPI_COMM_WORLD_SIZE");
    if (ranks && strcmp(ranks, "1") != 0)
        fprintf(stderr, "entente: note: this entente was built without MPI; every process runs "
                        "the whole command (rebuild with -DENTENTE_MPI=ON to split the work)\n");
#endif
}

int cli_mpi_finish(int status)
{
#ifdef ENTENTE_HAVE_MPI
    if (started) {
        fflush(stdout);
        fflush(stderr);
        /* A failure on one rank may leave the others waiting in a gather: abort the job. When
         * every rank fails alike (bad input) the abort only ends what was ending anyway. */
        if (status != 0) MPI_Abort(MPI_COMM_WORLD, status);
        MPI_Finalize();
        started = 0;
    }
#endif
    return status;
}

const en_distributor *cli_mpi_distributor(void)
{
    return started && size > 1 ? &distributor : NULL;
}

int cli_mpi_is_root(void)
{
    return !started || rank == 0;
}

unsigned cli_mpi_default_threads(void)
{
    if (!started || size <= 1) return 0;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    const char *local = getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
    long ranks_here = local ? strtol(local, NULL, 10) : 1;
    if (ranks_here < 1) ranks_here = 1;
    long threads = cores >= 1 ? cores / ranks_here : 1;
    return threads >= 1 ? (unsigned)threads : 1;
}
