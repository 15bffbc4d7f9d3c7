; corpus/equivalent/x86_64-read_cr2.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x89 (bvsub RSP (_ bv8 64))))
(let ((?x96 (bvadd ?x89 (_ bv8 64))))
(let (($x91 (and (distinct ?x96 RSP) true)))
(let (($x146 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x131 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x99 (= TF (_ bv0 1))))
(let (($x11 (= VM (_ bv0 1))))
(let (($x29 (= DF (_ bv0 1))))
(and $x29 $x11 $x99 $x131 (or $x146 $x91)))))))))))
(check-sat)
