/*
 * data.h — the rule files of data/evidence, compiled into the library by
 * scripts/embed-evidence.sh (each a NUL-terminated copy of the file).
 */
#ifndef ENTENTE_EVIDENCE_DATA_H
#define ENTENTE_EVIDENCE_DATA_H

extern const char en_evidence_cues[], en_evidence_stances[], en_evidence_titles[],
    en_evidence_outlets[], en_evidence_npwords[], en_evidence_gazetteer[], en_evidence_issues[];

#endif
