package org.recurrent4j.examples.longrange;

import java.nio.file.Path;
import java.util.List;
import org.recurrent4j.conf.CellType;

/**
 * What the long-range study runs: every task with every cell under one budget, written to {@code
 * out}. The command line that makes it is {@link LongRangeStudyCommand}.
 */
public record StudyOptions(Path out, List<LongRangeTask> tasks, List<CellType> cells, StudyBudget budget) {}
