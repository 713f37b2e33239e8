/**
 * The runnable jar's commands ({@code demo}, {@code status}, {@code verify}, {@code resync}). It
 * uses the driver's API only: compiling this module proves the API is enough for the operator's
 * tools. picocli reads the commands' annotated fields reflectively.
 */
module io.shardline.cli {
    requires io.shardline.driver;
    requires info.picocli;

    opens io.shardline.cli to info.picocli;
}
