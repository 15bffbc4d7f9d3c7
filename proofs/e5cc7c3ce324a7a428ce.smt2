; corpus/equivalent/x86_64-read_cr3.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x26 (bvsub RSP (_ bv8 64))))
(let ((?x82 (bvadd ?x26 (_ bv8 64))))
(let (($x44 (and (distinct ?x82 RSP) true)))
(let (($x121 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x177 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x188 (= TF (_ bv0 1))))
(let (($x113 (= VM (_ bv0 1))))
(let (($x91 (= DF (_ bv0 1))))
(and $x91 $x113 $x188 $x177 (or $x121 $x44)))))))))))
(check-sat)
