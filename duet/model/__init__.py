"""Stage 2, model: one site with every language, pages compiled and paired, every link checked."""
