package org.recurrent4j.conf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.junit.jupiter.api.Test;
import org.recurrent4j.init.OrthogonalInit;

/** The one list of cells: built-in types with their stated defaults, look-up by name, registration. */
class CellTypesTest {

    @Test
    void builtInTypesMakeTheirLayersWithTheStatedDefaults() {
        assertEquals(
                List.of("rnn", "lstm", "gru", "qrnn", "sru", "onlstm", "dl4j_lstm", "dl4j_simple_rnn"),
                CellTypes.builtIn().stream().map(CellType::id).toList());
        // Orthogonal recurrent weights exactly for this project's cells with a recurrent matrix.
        for (CellType type : List.of(CellTypes.RNN, CellTypes.LSTM, CellTypes.GRU, CellTypes.ONLSTM)) {
            BaseRecurrentLayer layer = (BaseRecurrentLayer) type.layer(3, 32);
            assertInstanceOf(OrthogonalInit.class, layer.getWeightInitFnRecurrent(), type.id());
            assertTrue(type.takesInitialState());
        }
        for (CellType type : List.of(CellTypes.QRNN, CellTypes.SRU)) {
            assertInstanceOf(RecurrentCellLayer.class, type.layer(3, 32));
            assertTrue(
                    ((RecurrentCellLayer) type.layer(3, 32))
                            .parameters().stream().noneMatch(p -> p.key().equals("Whh")),
                    type.id() + " has no recurrent matrix");
        }
        Qrnn qrnn = (Qrnn) CellTypes.QRNN.layer(3, 8);
        assertEquals(2, qrnn.getWindow());
        assertEquals(16, ((OnLstm) CellTypes.ONLSTM.layer(3, 64)).getChunkSize());
        assertEquals(4, ((OnLstm) CellTypes.ONLSTM.layer(3, 12)).getChunkSize());
        assertInstanceOf(LSTM.class, CellTypes.DL4J_LSTM.layer(3, 4));
        assertFalse(CellTypes.DL4J_LSTM.takesInitialState());
        assertFalse(CellTypes.DL4J_SIMPLE_RNN.takesInitialState());
        // A new layer every time: a configuration is mutable.
        Layer a = CellTypes.GRU.layer(3, 4);
        Layer b = CellTypes.GRU.layer(3, 4);
        assertEquals(a, b);
        assertFalse(a == b);
    }

    @Test
    void namesAreLookedUpInAnyCase() {
        assertSame(CellTypes.GRU, CellTypes.named("gru"));
        assertSame(CellTypes.ONLSTM, CellTypes.named(" OnLstm "));
        assertSame(CellTypes.DL4J_SIMPLE_RNN, CellTypes.named("DL4J_SIMPLE_RNN"));
        assertEquals("gru", CellTypes.GRU.toString());
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CellTypes.named("transformer"));
        assertTrue(
                e.getMessage().startsWith("unknown cell 'transformer'; known cells: rnn, lstm, gru,"), e.getMessage());
        assertTrue(e.getMessage().contains("gru_cho"), e.getMessage());
        assertTrue(e.getMessage().contains("CellTypes.register"), e.getMessage());
    }

    /** A class named in a META-INF/services file (this module's test resources) is known by itself. */
    @Test
    void aServiceFileRegistersACellType() {
        CellType type = CellTypes.named("GRU_CHO");
        assertInstanceOf(ResetBeforeGruType.class, type);
        assertFalse(((Gru) type.layer(2, 3)).isResetAfter());
        List<String> names = CellTypes.names();
        assertTrue(names.indexOf("gru_cho") > names.indexOf("dl4j_simple_rnn"), "after the built-in ones: " + names);
    }

    @Test
    void registrationIsOneLine() {
        CellType peephole = CellType.of(
                "lstm_peephole_registered",
                (nIn, nOut) ->
                        new Lstm.Builder().nIn(nIn).nOut(nOut).peephole(true).build());
        CellTypes.register(peephole);
        assertSame(peephole, CellTypes.named("lstm_peephole_registered"));
        assertTrue(CellTypes.all().contains(peephole));
        CellTypes.register(peephole); // the same instance again: nothing happens
        assertTrue(((Lstm) CellTypes.named("LSTM_PEEPHOLE_REGISTERED").layer(2, 3)).isPeephole());

        IllegalArgumentException clash = assertThrows(
                IllegalArgumentException.class,
                () -> CellTypes.register(CellType.of("GRU", (nIn, nOut) -> new Gru.Builder().build())));
        assertTrue(clash.getMessage().contains("'gru' is already known"), clash.getMessage());
        IllegalArgumentException badName = assertThrows(
                IllegalArgumentException.class, () -> CellType.of("my cell", (nIn, nOut) -> new Gru.Builder().build()));
        assertTrue(badName.getMessage().contains("'my cell'"), badName.getMessage());
    }
}
