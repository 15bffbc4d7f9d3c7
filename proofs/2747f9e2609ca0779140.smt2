; corpus/equivalent/x86_64-clts.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x40 (bvsub RSP (_ bv8 64))))
(let ((?x42 (bvadd ?x40 (_ bv8 64))))
(let (($x29 (and (distinct ?x42 RSP) true)))
(let (($x207 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x187 (= VM (_ bv0 1))))
(let (($x232 (= DF (_ bv0 1))))
(and $x232 $x187 (or $x207 $x29)))))))))
(check-sat)
