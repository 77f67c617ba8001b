package org.recurrent4j.records;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;
import org.datavec.api.conf.Configuration;
import org.datavec.api.records.Record;
import org.datavec.api.records.SequenceRecord;
import org.datavec.api.records.metadata.RecordMetaData;
import org.datavec.api.records.metadata.RecordMetaDataIndex;
import org.datavec.api.records.reader.BaseRecordReader;
import org.datavec.api.records.reader.SequenceRecordReader;
import org.datavec.api.split.InputSplit;
import org.datavec.api.writable.Writable;

/**
 * A DataVec {@link SequenceRecordReader} whose sequences are numbered {@code 0 .. count-1} once it
 * is initialized: a subclass reads its input in {@link #initialize(InputSplit)} and says how many
 * sequences there are and what sequence {@code i} is; this class does the iteration, reset and
 * metadata ({@link RecordMetaDataIndex} with the sequence number), so that DataVec's iterators can
 * also reload a sequence by its metadata.
 *
 * <p>Such a reader gives whole sequences only: the record-at-a-time methods of {@link
 * org.datavec.api.records.reader.RecordReader} throw {@link UnsupportedOperationException} with
 * the method to use instead.
 */
public abstract class IndexedSequenceRecordReader extends BaseRecordReader implements SequenceRecordReader {

    private static final long serialVersionUID = 1L;

    private int next;

    /** The number of sequences per pass; valid after initialization. */
    public abstract int sequences();

    /** The sequence at {@code index}, each step a list of writables. */
    public abstract List<List<Writable>> sequence(int index);

    /** Restarts the iteration; subclasses call it at the end of {@code initialize}. */
    protected final void rewind() {
        next = 0;
    }

    /** Checks an index given by a caller. */
    protected final void checkIndex(int index) {
        if (index < 0 || index >= sequences()) {
            throw new IndexOutOfBoundsException("sequence " + index + " outside [0, " + sequences() + ")");
        }
    }

    @Override
    public void initialize(Configuration conf, InputSplit split) throws IOException, InterruptedException {
        initialize(split);
    }

    @Override
    public boolean hasNext() {
        return next < sequences();
    }

    @Override
    public List<List<Writable>> sequenceRecord() {
        if (!hasNext()) {
            throw new NoSuchElementException("all " + sequences() + " sequences were read: call reset()");
        }
        List<List<Writable>> sequence = sequence(next++);
        invokeListeners(sequence);
        return sequence;
    }

    @Override
    public SequenceRecord nextSequence() {
        int index = next;
        return new org.datavec.api.records.impl.SequenceRecord(
                sequenceRecord(), new RecordMetaDataIndex(index, null, getClass()));
    }

    @Override
    public SequenceRecord loadSequenceFromMetaData(RecordMetaData recordMetaData) {
        return loadSequenceFromMetaData(Collections.singletonList(recordMetaData))
                .get(0);
    }

    @Override
    public List<SequenceRecord> loadSequenceFromMetaData(List<RecordMetaData> recordMetaDatas) {
        List<SequenceRecord> out = new ArrayList<>();
        for (RecordMetaData m : recordMetaDatas) {
            if (!(m instanceof RecordMetaDataIndex index)) {
                throw new IllegalArgumentException("expected RecordMetaDataIndex metadata, got " + m);
            }
            int i = (int) index.getIndex();
            checkIndex(i);
            out.add(new org.datavec.api.records.impl.SequenceRecord(sequence(i), m));
        }
        return out;
    }

    @Override
    public List<List<Writable>> sequenceRecord(URI uri, DataInputStream dataInputStream) {
        throw new UnsupportedOperationException(
                getClass().getSimpleName() + " reads its input as a whole: initialize it with an InputSplit");
    }

    @Override
    public List<Writable> next() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " gives sequences: use sequenceRecord()");
    }

    @Override
    public Record nextRecord() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " gives sequences: use nextSequence()");
    }

    @Override
    public List<Writable> record(URI uri, DataInputStream dataInputStream) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " gives sequences: use sequenceRecord()");
    }

    @Override
    public Record loadFromMetaData(RecordMetaData recordMetaData) {
        throw new UnsupportedOperationException(
                getClass().getSimpleName() + " gives sequences: use loadSequenceFromMetaData");
    }

    @Override
    public List<Record> loadFromMetaData(List<RecordMetaData> recordMetaDatas) {
        throw new UnsupportedOperationException(
                getClass().getSimpleName() + " gives sequences: use loadSequenceFromMetaData");
    }

    @Override
    public void reset() {
        next = 0;
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public List<String> getLabels() {
        return null;
    }

    @Override
    public void close() {}

    @Override
    public void setConf(Configuration conf) {}

    @Override
    public Configuration getConf() {
        return null;
    }
}
