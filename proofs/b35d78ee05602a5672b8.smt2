; corpus/equivalent/x86_64-irq_enable-sti.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x108 (bvsub RSP (_ bv8 64))))
(let ((?x72 (bvadd ?x108 (_ bv8 64))))
(let (($x47 (and (distinct ?x72 RSP) true)))
(let (($x32 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x156 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x177 (= TF (_ bv0 1))))
(let (($x200 (= VM (_ bv0 1))))
(let (($x25 (= DF (_ bv0 1))))
(and $x25 $x200 $x177 $x156 (or $x32 $x47)))))))))))
(check-sat)
