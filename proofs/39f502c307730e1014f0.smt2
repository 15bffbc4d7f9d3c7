; corpus/equivalent/x86_64-restore_fl-push-popf.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x262 (bvsub RSP (_ bv8 64))))
(let ((?x633 (bvadd ?x262 (_ bv8 64))))
(let ((?x132 (bvsub ?x262 (_ bv8 64))))
(let ((?x582 (bvadd ?x132 (_ bv8 64))))
(let ((?x819 (bvadd ?x582 (_ bv8 64))))
(let (($x203 (and (distinct ?x819 ?x633) true)))
(let (($x579 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x711 (= VM (_ bv0 1))))
(let (($x41 (= DF (_ bv0 1))))
(and $x41 $x711 (or $x579 $x203))))))))))))
(check-sat)
