; corpus/equivalent/x86_64-read_cr0.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x31 (bvsub RSP (_ bv8 64))))
(let ((?x143 (bvadd ?x31 (_ bv8 64))))
(let (($x185 (and (distinct ?x143 RSP) true)))
(let (($x250 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x220 (= VM (_ bv0 1))))
(let (($x17 (= DF (_ bv0 1))))
(and $x17 $x220 (or $x250 $x185)))))))))
(check-sat)
