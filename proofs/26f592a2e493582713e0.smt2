; corpus/equivalent/x86_64-read_cr0.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x119 (bvsub RSP (_ bv8 64))))
(let ((?x26 (bvadd ?x119 (_ bv8 64))))
(let (($x29 (and (distinct ?x26 RSP) true)))
(let (($x198 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x213 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x92 (= TF (_ bv0 1))))
(let (($x32 (= VM (_ bv0 1))))
(let (($x115 (= DF (_ bv0 1))))
(and $x115 $x32 $x92 $x213 (or $x198 $x29)))))))))))
(check-sat)
