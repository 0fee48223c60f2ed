"""Demo content: a real catalog with posters and adaptive HLS that `edutv seed-demo` builds."""
