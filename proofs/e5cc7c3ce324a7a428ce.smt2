; corpus/equivalent/x86_64-read_cr3.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x160 (bvsub RSP (_ bv8 64))))
(let ((?x220 (bvadd ?x160 (_ bv8 64))))
(let (($x151 (and (distinct ?x220 RSP) true)))
(let (($x154 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x109 (= VM (_ bv0 1))))
(let (($x64 (= DF (_ bv0 1))))
(and $x64 $x109 (or $x154 $x151)))))))))
(check-sat)
