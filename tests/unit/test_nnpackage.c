/* nnpackage reading on packages written to a temporary folder. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "format/nnpackage.h"

static char root[64];

static void write_file(const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* A fresh package folder with metadata/, and optionally a MANIFEST. */
static void make_pkg(const char *manifest)
{
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(mkdir(root, 0755), 0);
    char meta[128];
    snprintf(meta, sizeof meta, "%s/metadata", root);
    assert_int_equal(mkdir(meta, 0755), 0);
    if (manifest) write_file("metadata/MANIFEST", manifest);
}

static const char *expect_error(const char *needle)
{
    static oc_err err;
    oc_nnpackage pkg;
    memset(&err, 0, sizeof err);
    assert_int_equal(oc_nnpackage_read(root, &pkg, &err), OC_ERROR);
    if (!strstr(err.msg, needle)) fail_msg("message '%s' lacks '%s'", err.msg, needle);
    return err.msg;
}

static const char *config(const oc_nnpackage *p, const char *key)
{
    for (int i = 0; i < p->nconfig; i++)
        if (strcmp(p->config_key[i], key) == 0) return p->config_value[i];
    return NULL;
}

static int setup(void **state)
{
    (void)state;
    snprintf(root, sizeof root, "/tmp/oc_nnpkg_%d", (int)getpid());
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_good_package(void **state)
{
    (void)state;
    make_pkg("{ \"major-version\": \"1\", \"minor-version\": \"2\", \"patch-version\": \"0\",\n"
             "  \"configs\": [ \"config.cfg\", \"other.cfg\" ],\n"
             "  \"models\": [ \"add.circle\", \"second.tflite\" ],\n"
             "  \"model-types\": [ \"circle\", \"tflite\" ] }\n");
    write_file("metadata/config.cfg", "# onert config\n"
                                      "BACKENDS=cpu\n"
                                      "\n"
                                      "  NUM_THREADS \t=  4  \n"
                                      "\tEXECUTOR = Linear # trailing comment\n"
                                      "EMPTY=\n"
                                      "NUM_THREADS=2\r\n"
                                      "   # indented comment\n"
                                      "LAST=no-newline");
    oc_nnpackage pkg;
    oc_err err = {{0}};
    if (oc_nnpackage_read(root, &pkg, &err) != OC_OK) fail_msg("%s", err.msg);
    char want[128];
    snprintf(want, sizeof want, "%s/add.circle", root);
    assert_string_equal(pkg.model_path, want);
    assert_string_equal(pkg.model_type, "circle");
    assert_int_equal(pkg.nconfig, 5);
    assert_string_equal(config(&pkg, "BACKENDS"), "cpu");
    assert_string_equal(config(&pkg, "NUM_THREADS"), "2"); /* the later line wins */
    assert_string_equal(config(&pkg, "EXECUTOR"), "Linear");
    assert_string_equal(config(&pkg, "EMPTY"), "");
    assert_string_equal(config(&pkg, "LAST"), "no-newline");

    /* A trailing slash names the same package. */
    char slash[80];
    snprintf(slash, sizeof slash, "%s/", root);
    assert_int_equal(oc_nnpackage_read(slash, &pkg, &err), OC_OK);
    assert_string_equal(pkg.model_path, want);
}

static void test_type_from_extension(void **state)
{
    (void)state;
    make_pkg("{ \"models\": [ \"sub/Model.TFLite\" ] }");
    oc_nnpackage pkg;
    oc_err err = {{0}};
    assert_int_equal(oc_nnpackage_read(root, &pkg, &err), OC_OK);
    assert_string_equal(pkg.model_type, "tflite");
    assert_int_equal(pkg.nconfig, 0);
    make_pkg("{ \"models\": [ \"m.circle\" ], \"model-types\": [ \"\" ], \"configs\": [] }");
    assert_int_equal(oc_nnpackage_read(root, &pkg, &err), OC_OK);
    assert_string_equal(pkg.model_type, "circle");
    make_pkg("{ \"models\": [ \"m.bin\" ], \"model-types\": [ \"bin\" ] }");
    assert_int_equal(oc_nnpackage_read(root, &pkg, &err), OC_OK);
    assert_string_equal(pkg.model_type, "bin");
}

static void test_errors(void **state)
{
    (void)state;
    make_pkg(NULL);
    expect_error("MANIFEST");
    make_pkg("{ \"models\": [ \"a.circle\" ");
    expect_error("not valid JSON");
    make_pkg("[ \"a.circle\" ]");
    expect_error("not valid JSON");
    make_pkg("{ \"models\": [] }");
    expect_error("no models");
    make_pkg("{ \"model-types\": [ \"circle\" ] }");
    expect_error("no models");
    make_pkg("{ \"models\": \"a.circle\" }");
    expect_error("not an array");
    make_pkg("{ \"models\": [ 3 ] }");
    expect_error("non-string");
    make_pkg("{ \"models\": [ \"model\" ] }");
    expect_error("no model type");
    make_pkg("{ \"models\": [ \"dir.v2/model\" ] }");
    expect_error("no model type");
    make_pkg("{ \"models\": [ \"a.circle\" ], \"configs\": [ \"missing.cfg\" ] }");
    expect_error("config file");
    make_pkg("{ \"models\": [ \"a.circle\" ], \"configs\": [ \"c.cfg\" ] }");
    write_file("metadata/c.cfg", "GOOD=1\nno equals sign here\n");
    expect_error("line 2");
    write_file("metadata/c.cfg", " = value\n");
    expect_error("empty key");

    make_pkg(NULL);
    char fifo[128];
    snprintf(fifo, sizeof fifo, "%s/metadata/MANIFEST", root);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    expect_error("not a readable file"); /* without blocking on the open */

    oc_nnpackage pkg;
    oc_err err = {{0}};
    assert_int_equal(oc_nnpackage_read(NULL, &pkg, &err), OC_ERROR);
    assert_int_equal(oc_nnpackage_read("/nonexistent/pkg", &pkg, &err), OC_ERROR);
    assert_non_null(strstr(err.msg, "MANIFEST"));
}

static void test_limits(void **state)
{
    (void)state;
    make_pkg("{ \"models\": [ \"a.circle\" ], \"configs\": [ \"c.cfg\" ] }");
    /* More distinct keys than the package can hold. */
    char *text = malloc(64 * 1024);
    assert_non_null(text);
    text[0] = 0;
    for (int i = 0; i <= OC_NNPKG_MAX_CONFIG; i++) {
        char line[32];
        snprintf(line, sizeof line, "K%d=%d\n", i, i);
        strcat(text, line);
    }
    write_file("metadata/c.cfg", text);
    expect_error("more than");
    /* A value longer than its slot. */
    memset(text, 'v', 1000);
    memcpy(text, "KEY=", 4);
    text[1000] = 0;
    write_file("metadata/c.cfg", text);
    expect_error("too long");
    free(text);
    /* A model type longer than its slot. */
    make_pkg("{ \"models\": [ \"a\" ], \"model-types\": [ "
             "\"a-very-long-model-type-name-that-does-not-fit\" ] }");
    expect_error("too long");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_package),
        cmocka_unit_test(test_type_from_extension),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_limits),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
