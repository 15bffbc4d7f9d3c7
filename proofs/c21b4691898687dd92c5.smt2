; corpus/equivalent/x86_64-wbinvd.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x296 (bvsub RSP (_ bv8 64))))
(let ((?x264 (bvadd ?x296 (_ bv8 64))))
(let (($x567 (and (distinct ?x264 RSP) true)))
(let (($x717 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x231 (= VM (_ bv0 1))))
(let (($x74 (= DF (_ bv0 1))))
(and $x74 $x231 (or $x717 $x567)))))))))
(check-sat)
