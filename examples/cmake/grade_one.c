/* Grades one opportunity through the installed shared library. */
#include <stdio.h>
#include "techsales.h"

int main(void) {
    techsales_grader *grader = NULL;
    int32_t as_of = 0, close = 0;
    /* The nine evaluation factors, 0-10, in TECHSALES_GRADING_FACTOR_* order. */
    double ratings[TECHSALES_FACTOR_COUNT] = {7, 7, 7, 7, 7, 7, 4, 7, 7};
    uint32_t status = 0, grade = 0;
    double score = 0;
    const char *label = NULL;

    if (techsales_date_from_ymd(2026, 1, 15, &as_of) != TECHSALES_RESULT_OK ||
        techsales_date_from_ymd(2026, 3, 31, &close) != TECHSALES_RESULT_OK ||
        techsales_grader_new(NULL, &grader) != TECHSALES_RESULT_OK) {
        fprintf(stderr, "%s\n", techsales_last_error_message());
        return 1;
    }
    if (techsales_grader_grade(grader, ratings, close, as_of, 0.75,
                               &status, &grade, &score) != TECHSALES_RESULT_OK ||
        techsales_enum_label(TECHSALES_ENUM_KIND_GRADE, grade,
                             TECHSALES_LANGUAGE_ENGLISH, &label) != TECHSALES_RESULT_OK) {
        fprintf(stderr, "%s\n", techsales_last_error_message());
        techsales_grader_free(grader);
        return 1;
    }
    printf("grade %s, score %.1f\n", label, score);
    techsales_grader_free(grader);
    return 0;
}
